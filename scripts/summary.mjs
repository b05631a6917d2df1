// Prints one closing line for a whole test run: the Rust tests (from `cargo test` output) and the
// Playwright tests (from its JSON report), as "all: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const [cargoLog, playwrightJson] = process.argv.slice(2);
let passed = 0, failed = 0, skipped = 0;
for (const m of readFileSync(cargoLog, 'utf8').matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g)) {
  passed += Number(m[1]); failed += Number(m[2]); skipped += Number(m[3]);
}
const rust = passed;
const stats = JSON.parse(readFileSync(playwrightJson, 'utf8')).stats;
passed += stats.expected;
failed += stats.unexpected + stats.flaky;
skipped += stats.skipped;
console.log(`rust tests: ${rust}, browser tests: ${stats.expected + stats.unexpected + stats.flaky}`);
console.log(`all: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
