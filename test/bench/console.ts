import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runAlone, runsOption, saveLatest } from './cli.ts';

/**
 * `npm run bench:console [-- --runs N]` (also the `console` part of `npm run bench`): the
 * console's first-load bytes (the entry script, what it preloads, and the CSS, gzipped) and the
 * time from navigation to a usable screen in Chromium on the local stack (its heading and its
 * data shown, its main control ready), per screen, medians over N runs; each run in a fresh
 * browser context (nothing cached), the session already open.
 * The console is built from the sources as they are now (what `npm run build:web` runs, with
 * NODE_ENV=production) into a temporary folder, served from there and removed at the end: the
 * figures are the sources', not an older web/dist's, and nothing is written to the tree.
 * Targets: 150 KB of JavaScript gzipped at first load; each screen usable within 1 s.
 */

export const DEFAULT_RUNS = 10;
export const TARGET_JS_GZIP_BYTES = 150 * 1024;
export const TARGET_SCREEN_MS = 1000;
const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface ConsoleFigures {
  at: string;
  runs: number;
  firstLoad: { jsRawBytes: number; jsGzipBytes: number; cssGzipBytes: number; targetJsGzipBytes: number };
  chunks: { file: string; rawBytes: number; gzipBytes: number }[];
  screens: { screen: string; p50Ms: number; maxMs: number; targetMs: number }[];
  buildSeconds: number;
  notes: string[];
}

/** Chromium is not installed: the first-load bytes were measured (`figures`), the screens not. */
export class NoBrowser extends Error {
  override name = 'NoBrowser';
  constructor(
    message: string,
    readonly figures: ConsoleFigures,
  ) {
    super(message);
  }
}

/** `vite build --config web/vite.config.ts --outDir <dir>`, in a child process, NODE_ENV=production. */
async function buildInto(outDir: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const child = spawn(
    process.execPath,
    [
      vite,
      'build',
      '--config',
      join(REPO_ROOT, 'web', 'vite.config.ts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: REPO_ROOT, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'inherit', 'pipe'] },
  );
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    process.stderr.write(chunk);
  });
  const code = await new Promise<number | null>((done) => {
    child.once('exit', done);
    child.once('error', () => done(null));
  });
  if (code !== 0) throw new Error(`vite build of the console failed (code ${code}): ${err.slice(-1500)}`);
}

export async function measureConsole({
  runs = DEFAULT_RUNS,
}: {
  runs?: number;
} = {}): Promise<ConsoleFigures> {
  const dist = mkdtempSync(join(tmpdir(), 'renfort-console-bench-'));
  try {
    console.log(`Building the console into ${dist}…`);
    const buildStarted = performance.now();
    await buildInto(dist);
    const buildSeconds = Math.round((performance.now() - buildStarted) / 100) / 10;

    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const referenced = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1] as string);
    const gz = (file: string) => gzipSync(readFileSync(join(dist, file))).length;
    const raw = (file: string) => readFileSync(join(dist, file)).length;
    const firstLoadJs = referenced.filter((f) => f.endsWith('.js'));
    if (firstLoadJs.length === 0) throw new Error('index.html references no script: nothing to measure');
    const firstLoad = {
      jsRawBytes: firstLoadJs.reduce((n, f) => n + raw(f), 0),
      jsGzipBytes: firstLoadJs.reduce((n, f) => n + gz(f), 0),
      cssGzipBytes: referenced.filter((f) => f.endsWith('.css')).reduce((n, f) => n + gz(f), 0),
      targetJsGzipBytes: TARGET_JS_GZIP_BYTES,
    };
    const chunks = readdirSync(join(dist, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => ({ file: f, rawBytes: raw(`assets/${f}`), gzipBytes: gz(`assets/${f}`) }))
      .sort((a, b) => b.gzipBytes - a.gzipBytes);

    const { chromium } = await import('playwright-core');
    const { COMPLETE_FICHE } = await import('../helpers/fixtures.ts');
    const { localToken, startBenchStack } = await import('./local-stack.ts');
    const stack = await startBenchStack({ consoleDist: dist });
    try {
      const token = (email: string) => localToken(stack.url, email);
      const gestionnaire = await token('ca.tilleuls@example.org');
      const created = await fetch(`${stack.url}/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gestionnaire}`, 'content-type': 'application/json' },
        body: JSON.stringify({ centreId: 'cs-tilleuls', fiche: COMPLETE_FICHE }),
      });
      const caseId = ((await created.json()) as { id: string }).id;

      const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
      if (!existsSync(executablePath)) {
        // The bytes are measured: they go out with the failure, the screens are missing.
        throw new NoBrowser(
          `No Chromium at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH; the screens were not measured`,
          { at: new Date().toISOString(), runs, firstLoad, chunks, screens: [], buildSeconds, notes: [] },
        );
      }
      const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
      try {
        /** Each screen, and what shows once it is usable (its data in, its main control ready). */
        const screens = [
          {
            name: 'dossiers',
            as: 'ca.tilleuls@example.org',
            path: '/dossiers',
            ready: 'table.cases tbody tr',
          },
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
        const results: ConsoleFigures['screens'] = [];
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
            targetMs: TARGET_SCREEN_MS,
          });
        }
        return {
          at: new Date().toISOString(),
          runs,
          firstLoad,
          chunks,
          screens: results,
          buildSeconds,
          notes: [
            'First load: the scripts and style sheets index.html references (the entry and what it preloads), gzipped here with zlib defaults; target ≤ 150 KB of JavaScript gzipped.',
            `Built from the sources as they are (vite build --config web/vite.config.ts, NODE_ENV=production) into a temporary folder, served by the bench's local stack; Chromium (${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'}), a fresh context per run, the session's token already in sessionStorage. Usable: the h1 and the screen's main control or data visible; p50 = the upper median of ${runs} runs; target ≤ ${TARGET_SCREEN_MS} ms.`,
          ],
        };
      } finally {
        await browser.close();
      }
    } finally {
      await stack.stop();
    }
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}

export function printConsole(f: ConsoleFigures): void {
  console.log(
    `First load: ${(f.firstLoad.jsGzipBytes / 1024).toFixed(1)} KB of JavaScript gzipped (${(f.firstLoad.jsRawBytes / 1024).toFixed(0)} KB raw), CSS ${(f.firstLoad.cssGzipBytes / 1024).toFixed(1)} KB — target ≤ ${f.firstLoad.targetJsGzipBytes / 1024} KB`,
  );
  for (const r of f.screens)
    console.log(`${r.screen}: usable in p50 ${r.p50Ms} ms, max ${r.maxMs} ms — target ≤ ${r.targetMs} ms`);
}

if (runAlone(import.meta.filename)) {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const figures = await measureConsole({ runs: runsOption(DEFAULT_RUNS) });
  printConsole(figures);
  saveLatest('console', figures);
  process.exit(0);
}
