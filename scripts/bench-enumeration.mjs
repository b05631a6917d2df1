// Enumeration check: do sign-in and forgotten password answer an existing and an
// unknown email address with the same bytes, in the same time? 50 tries of each, interleaved,
// against a running server. Prints the medians and their difference; a benchmark, not a test.
const base = process.argv[2] ?? 'http://127.0.0.1:3299';
const tries = Number(process.argv[3] ?? 50);
const existing = 'provider.user@demo.gatehouse.example';
const unknown = 'nobody.here@demo.gatehouse.example';

async function post(endpoint, form) {
  const started = process.hrtime.bigint();
  const res = await fetch(`${base}/api/${endpoint}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      origin: base,
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
  // The form echoes back the address that was typed; that is the input, not an answer.
  const body = (await res.text()).replaceAll(form.email, '<email>');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // What a client can see: status, the redirect, the body (no cookie is set on failure).
  const seen = JSON.stringify([res.status, res.headers.get('location'), res.headers.get('serverfnredirect'), body]);
  return { ms, seen };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function compare(label, endpoint, formFor) {
  const times = { existing: [], unknown: [] };
  const seen = { existing: new Set(), unknown: new Set() };
  // Warm-up: the first request of each kind pays for connection set-up.
  await post(endpoint, formFor(existing));
  await post(endpoint, formFor(unknown));
  for (let i = 0; i < tries; i++) {
    for (const who of i % 2 ? ['existing', 'unknown'] : ['unknown', 'existing']) {
      const r = await post(endpoint, formFor(who === 'existing' ? existing : unknown));
      times[who].push(r.ms);
      seen[who].add(r.seen);
    }
  }
  const [a, b] = [median(times.existing), median(times.unknown)];
  const diff = (Math.abs(a - b) / Math.min(a, b)) * 100;
  const same = seen.existing.size === 1 && seen.unknown.size === 1 && [...seen.existing][0] === [...seen.unknown][0];
  console.log(
    `${label}: median ${a.toFixed(1)} ms (existing) vs ${b.toFixed(1)} ms (unknown), ` +
      `difference ${diff.toFixed(1)} % (budget < 10 %) ${diff < 10 ? 'PASS' : 'MISS'}; ` +
      `answers ${same ? 'byte-identical (the echoed address aside)' : 'DIFFER'}`,
  );
  if (!same) console.log('  existing:', [...seen.existing], '\n  unknown:', [...seen.unknown]);
  return diff < 10 && same;
}

const ok1 = await compare('sign-in, wrong password', 'sign_in', (email) => ({ email, password: 'Wrong-Passw0rd!' }));
const ok2 = await compare('forgotten password', 'forgotten_password', (email) => ({ email }));
process.exit(ok1 && ok2 ? 0 : 1);
