// Builds the console's static assets into the jar's resources (run by Maven at generate-resources).
// Installs the locked npm packages first when node_modules does not match package-lock.json, then
// bundles app.js and app.css with esbuild (d3-geo, topojson-client and world-atlas inside: the
// console loads nothing from other hosts) and writes index.html pointing at the hashed bundles.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? join(here, 'target', 'classes', 'dev', 'atoll', 'console', 'static');
const web = join(here, 'src', 'main', 'web');

function installed() {
  const hidden = join(here, 'node_modules', '.package-lock.json');
  if (!existsSync(hidden)) return false;
  // npm keeps a copy of the lock's package list in node_modules; equal lists mean nothing to do.
  const want = JSON.parse(readFileSync(join(here, 'package-lock.json'), 'utf8')).packages ?? {};
  const have = JSON.parse(readFileSync(hidden, 'utf8')).packages ?? {};
  // Optional packages for other platforms (esbuild's binaries) are never installed here.
  return Object.keys(want)
    .filter((k) => k !== '' && !want[k].optional)
    .every((k) => have[k]?.version === want[k].version);
}

if (!installed()) {
  console.log('atoll-console: npm ci (packages from package-lock.json)');
  try {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: here, stdio: 'inherit' });
  } catch (e) {
    console.error('atoll-console: "npm ci" failed; the console is built with node and npm from the npm registry'
      + ' (Debian: apt-get install nodejs npm). ' + e.message);
    process.exit(1);
  }
}

const esbuild = await import('esbuild');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await esbuild.build({
  entryPoints: [join(web, 'app.js'), join(web, 'app.css')],
  bundle: true,
  format: 'esm',
  minify: true,
  sourcemap: false,
  target: ['es2022'],
  outdir: out,
  entryNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
  legalComments: 'linked',
});
const names = {};
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (meta.entryPoint) names[basename(meta.entryPoint)] = basename(file);
}
let html = readFileSync(join(web, 'index.html'), 'utf8');
for (const [entry, file] of Object.entries(names)) html = html.replaceAll(`{{${entry}}}`, file);
if (/\{\{[^}]+\}\}/.test(html)) throw new Error('index.html names a bundle that was not built');
writeFileSync(join(out, 'index.html'), html);
console.log(`atoll-console: ${Object.values(names).join(', ')} and index.html in ${out}`);
