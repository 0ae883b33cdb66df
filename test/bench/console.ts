import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { localToken, startBenchStack } from './local-stack.ts';

/**
 * `npm run bench:console [-- --runs N]`: the console's first-load bytes (the entry script, what it
 * preloads, and the CSS, gzipped) and the time from navigation to a usable screen in Chromium on
 * the local stack (its heading and its data shown, its main control ready), per screen, medians over N runs;
 * each run in a fresh browser context (nothing cached), the session already open.
 * Targets: 150 KB of JavaScript gzipped at first load; each screen usable within 1 s.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
const repo = join(import.meta.dirname, '..', '..');
const dist = join(repo, 'web', 'dist');

if (!existsSync(join(dist, 'index.html'))) {
  console.log('Building the console…');
  const { build } = await import('vite');
  await build({ configFile: join(repo, 'web', 'vite.config.ts'), logLevel: 'warn' });
}

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const referenced = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1] as string);
const gz = (file: string) => gzipSync(readFileSync(join(dist, file))).length;
const raw = (file: string) => readFileSync(join(dist, file)).length;
const firstLoadJs = referenced.filter((f) => f.endsWith('.js'));
const firstLoad = {
  jsRawBytes: firstLoadJs.reduce((n, f) => n + raw(f), 0),
  jsGzipBytes: firstLoadJs.reduce((n, f) => n + gz(f), 0),
  cssGzipBytes: referenced.filter((f) => f.endsWith('.css')).reduce((n, f) => n + gz(f), 0),
  targetJsGzipBytes: 150 * 1024,
};
const chunks = readdirSync(join(dist, 'assets'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => ({ file: f, rawBytes: raw(`assets/${f}`), gzipBytes: gz(`assets/${f}`) }))
  .sort((a, b) => b.gzipBytes - a.gzipBytes);

const { chromium } = await import('playwright-core');
const { COMPLETE_FICHE } = await import('../helpers/fixtures.ts');

const stack = await startBenchStack();

const token = (email: string) => localToken(stack.url, email);
const gestionnaire = await token('ca.tilleuls@example.org');
const created = await fetch(`${stack.url}/cases`, {
  method: 'POST',
  headers: { authorization: `Bearer ${gestionnaire}`, 'content-type': 'application/json' },
  body: JSON.stringify({ centreId: 'cs-tilleuls', fiche: COMPLETE_FICHE }),
});
const caseId = ((await created.json()) as { id: string }).id;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
/** Each screen, and what shows once it is usable (its data in, its main control ready). */
const screens = [
  { name: 'dossiers', as: 'ca.tilleuls@example.org', path: '/dossiers', ready: 'table.cases tbody tr' },
  {
    name: 'case (gestionnaire, brouillon)',
    as: 'ca.tilleuls@example.org',
    path: `/dossiers/${caseId}`,
    ready: 'button:has-text("Transmettre la fiche"):not([disabled])',
  },
  {
    name: 'new request',
    as: 'ca.tilleuls@example.org',
    path: '/nouvelle-demande',
    ready: 'button:has-text("Ouvrir la demande")',
  },
  {
    name: 'administration',
    as: 'coordination@caf13.example.org',
    path: '/administration',
    ready: 'table tbody tr',
  },
];
const results: { screen: string; p50Ms: number; maxMs: number; targetMs: number }[] = [];
for (const screen of screens) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const t = await token(screen.as);
    // The session a sign-in leaves (the sign-in page itself is not what is measured).
    await page.addInitScript(`sessionStorage.setItem('renfort.token', ${JSON.stringify(t)})`);
    const started = performance.now();
    await page.goto(`${stack.url}${screen.path}`);
    await page.locator('h1').first().waitFor({ state: 'visible' });
    await page.locator(screen.ready).first().waitFor({ state: 'visible' });
    times.push(performance.now() - started);
    await context.close();
  }
  times.sort((a, b) => a - b);
  results.push({
    screen: screen.name,
    p50Ms: Math.round(times[Math.floor(times.length / 2)] ?? Number.NaN),
    maxMs: Math.round(times.at(-1) ?? Number.NaN),
    targetMs: 1000,
  });
}
await browser.close();
await stack.stop();

console.log(
  `First load: ${(firstLoad.jsGzipBytes / 1024).toFixed(1)} KB of JavaScript gzipped (${(firstLoad.jsRawBytes / 1024).toFixed(0)} KB raw), CSS ${(firstLoad.cssGzipBytes / 1024).toFixed(1)} KB — target ≤ 150 KB`,
);
for (const r of results)
  console.log(`${r.screen}: usable in p50 ${r.p50Ms} ms, max ${r.maxMs} ms — target ≤ ${r.targetMs} ms`);
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'console-latest.json'),
  `${JSON.stringify({ at: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version }, runs, firstLoad, chunks, screens: results }, null, 2)}\n`,
);
process.exit(0);
