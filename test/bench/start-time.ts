import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consoleBuildState } from '../../infra/local/build-console.ts';
import { allGone, freeStartPorts, processesOf, startProcess } from '../helpers/npm-start.ts';
import { percentile, table } from './stats.ts';

/**
 * `tsx test/bench/start-time.ts [--runs N] [--pin-console] [--json]`: how long `npm start` takes, run as a user
 * runs it, from the command to the first 200 of `GET /health` on its gateway (polled every 50 ms):
 * on a cold data folder (the first start: the emulators create the table, the bucket, the user
 * pool and the seed) and on a warm one (a second start on the same folder). Each start gets free
 * ports and its data folder through the environment start.ts reads (PORT, DYNAMODB_PORT, S3_PORT,
 * SES_PORT, COGNITO_PORT, RENFORT_DATA_DIR), and is stopped with a SIGTERM to its start.ts process
 * (as the npm-start test does); the next start begins only once every port is free and no process
 * of that start is left. Runs interleave: cold, warm, cold, warm…
 *
 * Nothing of the stack runs in this process (no handler module is loaded here): npm start sets its
 * own log level, as it does for a user.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const POLL_MS = 50;
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 15_000;
export const DEFAULT_RUNS = 3;

export class BenchFailure extends Error {
  override name = 'BenchFailure';
}

/** The data folders of starts under way: whatever ends this process, their processes are killed. */
const live = new Set<string>();
function killEverything(): void {
  for (const dir of live) {
    for (const pid of processesOf(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
}
process.on('exit', killEverything);

export interface StartSample {
  kind: 'cold' | 'warm';
  /** `npm start` spawned → first 200 of GET /health. */
  healthMs: number;
  /** `npm start` spawned → its banner ("Ctrl-C stops everything") on stdout. */
  bannerMs: number;
  /** SIGTERM to start.ts → npm exited, no process of the start left, every port free. */
  stopMs: number;
}

/** One `npm start` on this data folder: timed to its first 200 of /health, then stopped and checked gone. */
async function startOnce(
  kind: StartSample['kind'],
  dataDir: string,
  consoleGiven: boolean,
): Promise<StartSample & { rebuilt: boolean }> {
  const ports = await freeStartPorts();
  const env: NodeJS.ProcessEnv = { ...process.env, ...ports, RENFORT_DATA_DIR: dataDir };
  // As a user runs it: the console of web/dist (checked fresh, rebuilt if not), npm start's own log level.
  delete env.RENFORT_CONSOLE_DIST;
  delete env.POWERTOOLS_LOG_LEVEL;
  if (consoleGiven) env.RENFORT_CONSOLE_DIST = join(REPO_ROOT, 'web', 'dist');
  live.add(dataDir);
  const started = performance.now();
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((done) =>
    child.once('exit', (code, signal) => {
      exited = code ?? (signal ? 128 : null);
      done(code);
    }),
  );
  const tail = () => `\n--- stdout ---\n${out.slice(-2000)}\n--- stderr ---\n${err.slice(-2000)}`;
  try {
    const health = `http://127.0.0.1:${ports.PORT}/health`;
    let healthMs: number | undefined;
    let bannerMs: number | undefined;
    while (healthMs === undefined || bannerMs === undefined) {
      const tick = performance.now();
      if (exited !== undefined)
        throw new BenchFailure(`npm start ended (code ${exited}) before it was ready:${tail()}`);
      if (tick - started > READY_TIMEOUT_MS) {
        throw new BenchFailure(`npm start not ready within ${READY_TIMEOUT_MS} ms:${tail()}`);
      }
      if (bannerMs === undefined && /Ctrl-C stops everything/.test(out)) bannerMs = tick - started;
      if (healthMs === undefined) {
        try {
          const res = await fetch(health, { signal: AbortSignal.timeout(1000) });
          await res.arrayBuffer();
          if (res.status === 200) healthMs = performance.now() - started;
          else if (res.status !== 404 && res.status !== 503) {
            throw new BenchFailure(`GET /health → HTTP ${res.status} during the start:${tail()}`);
          }
        } catch (error) {
          if (error instanceof BenchFailure) throw error;
          // Not listening yet.
        }
      }
      await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - (performance.now() - tick))));
    }
    const rebuilt = /Building the console/.test(out);

    const pid = startProcess(dataDir);
    const stopping = performance.now();
    process.kill(pid ?? (child.pid as number), 'SIGTERM');
    const code = await Promise.race([
      exit,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS)),
    ]);
    if (code === 'timeout')
      throw new BenchFailure(`npm start did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM:${tail()}`);
    await allGone(
      dataDir,
      ports,
      STOP_TIMEOUT_MS,
      (left, busy) =>
        new BenchFailure(
          `npm start (data ${dataDir}) still running ${STOP_TIMEOUT_MS} ms after SIGTERM: ${left.join(' | ') || 'no process'}; busy ports: ${busy.join(', ') || 'none'}`,
        ),
    );
    const stopMs = performance.now() - stopping;
    if (code !== 0)
      throw new BenchFailure(`npm start exited with code ${code} after SIGTERM (expected 0):${tail()}`);
    return { kind, healthMs, bannerMs, stopMs, rebuilt };
  } finally {
    if (exited === undefined) child.kill('SIGKILL');
    killEverything();
    live.delete(dataDir);
  }
}

/** `npm run build:web`, when web/dist is missing or older than its sources. */
async function buildConsoleIfStale(): Promise<string> {
  const state = consoleBuildState();
  if (state.state === 'no-console') return 'no console in web/: nothing to build';
  if (state.state === 'fresh') return 'web/dist was up to date: not rebuilt';
  console.log(`Building the console first (${state.reason}): npm run build:web…`);
  const buildStarted = performance.now();
  const child = spawn('npm', ['run', 'build:web'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new BenchFailure(`npm run build:web failed (code ${code}): ${err.slice(-1500)}`);
  return `web/dist built before measuring (${state.reason}), in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s`;
}

export interface StartTimeFigures {
  date: string;
  runs: number;
  console: string;
  cold: { healthMs: { median: number; min: number; max: number }; bannerMs: number; stopMs: number };
  warm: { healthMs: { median: number; min: number; max: number }; bannerMs: number; stopMs: number };
  samples: StartSample[];
  /** Whether the starts were given the built console (RENFORT_CONSOLE_DIST), see the notes. */
  consoleGiven: boolean;
  notes: string[];
}

const median = (values: number[]) =>
  Math.round(
    percentile(
      values.toSorted((a, b) => a - b),
      50,
    ),
  );

function summary(samples: StartSample[]) {
  const health = samples.map((s) => s.healthMs);
  return {
    healthMs: {
      median: median(health),
      min: Math.round(Math.min(...health)),
      max: Math.round(Math.max(...health)),
    },
    bannerMs: median(samples.map((s) => s.bannerMs)),
    stopMs: median(samples.map((s) => s.stopMs)),
  };
}

/** npm start rebuilt the console during a measured start: others changed its sources meanwhile. */
class ConsoleRebuilt extends Error {}

/**
 * The measure: `runs` cold and `runs` warm starts, interleaved, each in a fresh temporary folder
 * for its cold start, removed afterwards. Throws a BenchFailure if a start fails, /health answers
 * an unexpected status, npm start does not exit 0 on SIGTERM, or something of it is left running.
 *
 * As a user runs it, npm start checks web/dist against the console's sources and rebuilds it when
 * stale: when that happens during a start (the sources change under the bench: others work in this
 * tree), the samples so far are dropped and every start is measured again with the built console
 * given (RENFORT_CONSOLE_DIST=web/dist: npm start then neither checks nor builds); `pinConsole`
 * does so from the start.
 */
export async function measureStartTime({
  runs = DEFAULT_RUNS,
  pinConsole = false,
}: {
  runs?: number;
  pinConsole?: boolean;
} = {}): Promise<StartTimeFigures> {
  let consoleNote = await buildConsoleIfStale();
  let pinned = pinConsole;
  let pinReason = pinConsole ? 'asked (--pin-console)' : undefined;
  const measureAll = async () => {
    const samples: StartSample[] = [];
    for (let n = 1; n <= runs; n++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'renfort-start-time-'));
      try {
        for (const kind of ['cold', 'warm'] as const) {
          const { rebuilt, ...sample } = await startOnce(kind, dataDir, pinned);
          if (rebuilt) throw new ConsoleRebuilt(`${kind} start #${n}`);
          samples.push(sample);
          console.log(
            `  ${kind} #${n}: /health 200 after ${(sample.healthMs / 1000).toFixed(2)} s, banner ${(sample.bannerMs / 1000).toFixed(2)} s, stopped in ${(sample.stopMs / 1000).toFixed(2)} s`,
          );
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    return samples;
  };
  let samples: StartSample[];
  try {
    samples = await measureAll();
  } catch (error) {
    if (!(error instanceof ConsoleRebuilt) || pinned) throw error;
    pinned = true;
    pinReason = `npm start rebuilt the console during the ${error.message} (its sources changed meanwhile)`;
    console.log(`${pinReason}: measuring every start again with RENFORT_CONSOLE_DIST=web/dist…`);
    consoleNote = await buildConsoleIfStale();
    samples = await measureAll();
  }
  // What a given console skips: npm start's check of web/dist against its sources (a walk of their files).
  const checks = Array.from({ length: 5 }, () => {
    const t = performance.now();
    consoleBuildState();
    return performance.now() - t;
  });
  const checkMs = Math.round(
    percentile(
      checks.toSorted((a, b) => a - b),
      50,
    ),
  );
  return {
    date: new Date().toISOString(),
    runs,
    console: consoleNote,
    consoleGiven: pinned,
    cold: summary(samples.filter((s) => s.kind === 'cold')),
    warm: summary(samples.filter((s) => s.kind === 'warm')),
    samples,
    notes: [
      `Measured: from spawn('npm', ['start']) in the repository (no --demo, no --reset) to the first 200 answer of GET /health on its gateway, polled every ${POLL_MS} ms (so up to ${POLL_MS} ms late); the banner column is the same start to its "Ctrl-C stops everything" line on stdout.`,
      'Cold: a fresh empty temporary data folder (RENFORT_DATA_DIR): DynamoDB Local, s3rver and cognito-local start on empty folders and the table, bucket, user pool and seed are created. Warm: a second start on that same folder, after the first one was stopped.',
      'Each start gets five free ports (PORT, DYNAMODB_PORT, S3_PORT, SES_PORT, COGNITO_PORT), and is stopped by SIGTERM to its start.ts process; stop = SIGTERM to npm exited (code 0) with no process of the start left (by its RENFORT_DATA_DIR) and every port free, checked before the next start.',
      pinned
        ? `Excludes the console's build: ${consoleNote}; then every start was given it (RENFORT_CONSOLE_DIST=web/dist): ${pinReason}. npm start then skips its check of web/dist against the sources, ${checkMs} ms here, not in the figures.`
        : `Excludes the console's build: ${consoleNote}; RENFORT_CONSOLE_DIST unset, so each start checked web/dist against its sources (${checkMs} ms here) as a user's does, and none rebuilt it.`,
      'Medians of the runs (nearest rank); npm, tsx compiling start.ts and the handlers, the JVM of DynamoDB Local and the seed share 2 cores with whatever else runs: compare runs on the same machine.',
    ],
  };
}

export function printStartTime(f: StartTimeFigures): void {
  console.log(
    `\nnpm start → first 200 of GET /health, ${f.runs} cold and ${f.runs} warm starts, interleaved (${f.date})\n`,
  );
  const s = (ms: number) => (ms / 1000).toFixed(2);
  console.log(
    table(
      ['data folder', 'runs', 'median /health s', 'min s', 'max s', 'median banner s', 'median stop s'],
      (['cold', 'warm'] as const).map((kind) => [
        kind,
        String(f.runs),
        s(f[kind].healthMs.median),
        s(f[kind].healthMs.min),
        s(f[kind].healthMs.max),
        s(f[kind].bannerMs),
        s(f[kind].stopMs),
      ]),
      [false, true, true, true, true, true, true],
    ),
  );
  if (f.consoleGiven)
    console.log('\nEvery start was given the built console (RENFORT_CONSOLE_DIST): see the notes.');
  console.log(`\nNotes:\n${f.notes.map((n) => `- ${n}`).join('\n')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: String(DEFAULT_RUNS) },
      'pin-console': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs expects a positive whole number, not ${values.runs}`);
    process.exit(2);
  }
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  let exitCode = 0;
  try {
    const figures = await measureStartTime({ runs, pinConsole: values['pin-console'] });
    printStartTime(figures);
    if (values.json) console.log(JSON.stringify(figures, null, 2));
  } catch (error) {
    exitCode = 1;
    console.error(`\nThe start-time bench failed: ${error instanceof BenchFailure ? error.message : error}`);
    if (!(error instanceof BenchFailure)) console.error(error);
  }
  process.exit(exitCode);
}
