// Copies the NHS.UK frontend's built CSS and images from node_modules into public/, without the
// @font-face rules: they name the licensed Frutiger font on a remote host, which Gatehouse
// neither licenses nor may reach. style/main.css sets an Arial stack instead.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = 'node_modules/nhsuk-frontend/dist/nhsuk';
const css = readFileSync(join(dist, 'nhsuk-frontend.min.css'), 'utf8')
  .replace(/@font-face\{[^}]*\}/g, '')
  .replace(/"?Frutiger W01"?,?/g, '');
if (/https?:\/\//.test(css.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, ''))) {
  throw new Error('nhsuk-frontend CSS still refers to a remote address');
}
mkdirSync('public/vendor', { recursive: true });
writeFileSync('public/vendor/nhsuk-frontend.min.css', css);
copyFileSync(join(dist, 'nhsuk-frontend.min.js'), 'public/vendor/nhsuk-frontend.min.js');
mkdirSync('public/assets/images', { recursive: true });
for (const f of readdirSync(join(dist, 'assets/images'))) {
  copyFileSync(join(dist, 'assets/images', f), join('public/assets/images', f));
}
console.log(`vendored nhsuk-frontend: ${css.length} bytes of CSS`);
