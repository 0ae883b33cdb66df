import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PART_LIST, type PartOutput } from './parts.ts';
import {
  countVerdicts,
  formatSummary,
  PARTS,
  type PartName,
  rowsOf,
  type SummaryRow,
  verdictOf,
} from './summary.ts';

/**
 * `npm run bench [-- --only part,… --runs N --requests N --quick]`: every figure of the issue,
 * measured part after part, each part in a process of its own (parts.ts) with its own local stack
 * where it needs one; then one summary table (figure, measured, target, met / not met / missing)
 * and the whole JSON (every part's figures, the machine, the date, the load average at the start
 * and end of the run and of each part) saved as test/bench/results/<date>.json and latest.json
 * (ignored by git). Exit code 0 when every part ran, targets met or not; 1 when a part failed to
 * run (its figures read "missing"); 2 for bad options.
 */

const RESULTS_DIR = join(import.meta.dirname, 'results');
const REPO_ROOT = join(import.meta.dirname, '..', '..');
const PARTS_ENTRY = join(import.meta.dirname, 'parts.ts');

const usage = `npm run bench [-- options]
  --only <part,…>  run these parts only: ${PARTS.join(', ')}
  --runs N         the runs of each part that takes runs (${PART_LIST.filter((p) => p.runs)
    .map((p) => `${p.name}: ${p.runs?.what}, default ${p.runs?.full}`)
    .join('; ')})
  --requests N     contention: GIVE_AVIS per concurrency level (default 130)
  --quick          a short smoke run: few runs and requests (${PART_LIST.filter((p) => p.runs)
    .map((p) => `${p.name} ${p.runs?.quick}`)
    .join(', ')}, contention 26 requests)`;

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        only: { type: 'string' },
        runs: { type: 'string' },
        requests: { type: 'string' },
        quick: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
})();
if (values.help) {
  console.log(usage);
  process.exit(0);
}
for (const name of ['runs', 'requests'] as const) {
  const text = values[name];
  if (text !== undefined && !(Number.isInteger(Number(text)) && Number(text) >= 1)) {
    console.error(`--${name} expects a positive whole number, not ${text}\n\n${usage}`);
    process.exit(2);
  }
}
const only = values.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = (only ?? []).filter((name) => !(PARTS as readonly string[]).includes(name));
if (unknown.length > 0 || (only && only.length === 0)) {
  console.error(`--only: unknown part ${unknown.join(', ') || '(none given)'}\n\n${usage}`);
  process.exit(2);
}
const selected = PART_LIST.filter((p) => !only || only.includes(p.name));

const round2 = (n: number) => Math.round(n * 100) / 100;
const load = () => loadavg().map(round2) as [number, number, number];
const git = (...args: string[]) => {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
};

interface PartResult {
  name: PartName;
  what: string;
  stack: string;
  status: 'ran' | 'failed';
  startedAt: string;
  seconds: number;
  loadAverage: { start: [number, number, number]; end: [number, number, number] };
  failure?: string;
  figures?: unknown;
}

let current: ChildProcess | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    current?.kill(signal);
    console.error(`\n${signal}: the bench stops (nothing saved).`);
    process.exit(130);
  });
}

/** One part in a process of its own; its figures from the file it writes. */
async function runPart(part: (typeof PART_LIST)[number]): Promise<PartResult> {
  const dir = mkdtempSync(join(tmpdir(), 'renfort-bench-'));
  const out = join(dir, `${part.name}.json`);
  const args = [
    ...process.execArgv,
    PARTS_ENTRY,
    part.name,
    '--out',
    out,
    ...(values.quick ? ['--quick'] : []),
    ...(values.runs && part.runs ? ['--runs', values.runs] : []),
    ...(values.requests && part.name === 'contention' ? ['--requests', values.requests] : []),
  ];
  const startedAt = new Date();
  const loadStart = load();
  const started = performance.now();
  try {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: 'inherit',
    });
    current = child;
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => {
      child.once('exit', (c, s) => done([c, s]));
      child.once('error', (error) => {
        console.error(error);
        done([null, null]);
      });
    });
    current = undefined;
    const output: PartOutput = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
    const failed = code !== 0 || output.figures === undefined;
    const failure = failed
      ? (output.failure ??
        `its process ended with ${signal ? `signal ${signal}` : `code ${code}`} and left no figures`)
      : undefined;
    return {
      name: part.name,
      what: part.what,
      stack: part.stack,
      status: failed ? 'failed' : 'ran',
      startedAt: startedAt.toISOString(),
      seconds: Math.round((performance.now() - started) / 100) / 10,
      loadAverage: { start: loadStart, end: load() },
      ...(failure && { failure }),
      ...(output.figures !== undefined && { figures: output.figures }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const date = new Date();
const cpu = cpus();
const machine = {
  cpu: cpu[0]?.model ?? 'unknown',
  cpus: cpu.length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  os: `${platform()} ${release()} ${arch()}`,
  node: process.version,
};
const loadStart = load();
const commit = git('rev-parse', 'HEAD');
const uncommitted = git('status', '--porcelain', '--untracked-files=no')?.split('\n').filter(Boolean) ?? [];
console.log(
  `Renfort bench ${date.toISOString()}${values.quick ? ' (quick)' : ''}: ${selected.map((p) => p.name).join(', ')}
Machine       ${machine.cpu} × ${machine.cpus}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}
Load average  ${loadStart.join(' ')} (1, 5, 15 min) at the start, on ${machine.cpus} cores
Tree          ${commit?.slice(0, 12) ?? 'unknown commit'}${uncommitted.length ? `, ${uncommitted.length} tracked files changed but not committed (others at work)` : ''}`,
);

const results: PartResult[] = [];
for (const [i, part] of selected.entries()) {
  console.log(
    `\n${'='.repeat(100)}\nPart ${i + 1}/${selected.length}: ${part.name}: ${part.what}\n  ${part.stack}; load average ${load().join(' ')}\n${'='.repeat(100)}`,
  );
  const result = await runPart(part);
  results.push(result);
  console.log(
    `\n${part.name}: ${result.status === 'ran' ? 'ran' : `FAILED (${result.failure})`} in ${result.seconds} s; load average ${result.loadAverage.start[0]} → ${result.loadAverage.end[0]}`,
  );
}
const loadEnd = load();

const rows: SummaryRow[] = results.flatMap((r) =>
  rowsOf(
    r.name,
    r.figures,
    r.status === 'failed' ? `part failed: ${r.failure?.split('\n')[0]?.slice(0, 80)}` : undefined,
  ),
);
console.log(
  `\n${'='.repeat(100)}\nSummary (${date.toISOString()}${values.quick ? ', quick: few runs, figures are rough' : ''})\n`,
);
console.log(formatSummary(rows));
console.log(
  `\nLoad average ${loadStart.join(' ')} at the start, ${loadEnd.join(' ')} at the end (1, 5, 15 min; ${machine.cpus} cores): above ${machine.cpus}, timings stretch.`,
);
for (const r of results)
  console.log(
    `  ${r.name.padEnd(12)} ${r.status.padEnd(6)} ${String(r.seconds).padStart(6)} s  load ${r.loadAverage.start[0]} → ${r.loadAverage.end[0]}  (${r.stack})`,
  );

const result = {
  date: date.toISOString(),
  finishedAt: new Date().toISOString(),
  machine,
  loadAverage: { start: loadStart, end: loadEnd },
  tree: { commit, uncommittedTrackedFiles: uncommitted },
  options: {
    only: only ?? null,
    runs: values.runs ? Number(values.runs) : null,
    requests: values.requests ? Number(values.requests) : null,
    quick: values.quick,
  },
  summary: rows.map((row) => ({ ...row, result: verdictOf(row) })),
  counts: countVerdicts(rows),
  parts: Object.fromEntries(results.map((r) => [r.name, r])),
};
mkdirSync(RESULTS_DIR, { recursive: true });
const json = `${JSON.stringify(result, null, 2)}\n`;
const dated = join(RESULTS_DIR, `${result.date.replace(/:/g, '-')}${values.quick ? '-quick' : ''}.json`);
writeFileSync(dated, json);
writeFileSync(join(RESULTS_DIR, 'latest.json'), json);
console.log(`\nSaved ${dated} and ${join(RESULTS_DIR, 'latest.json')}`);

const failed = results.filter((r) => r.status === 'failed');
if (failed.length > 0) {
  console.error(
    `\n${failed.length} part${failed.length > 1 ? 's' : ''} failed to run: ${failed.map((r) => `${r.name} (${r.failure?.split('\n')[0]})`).join('; ')}. Their figures read MISSING above.`,
  );
  process.exit(1);
}
console.log('\nEvery part ran (targets not met are reported above, not failures).');
process.exit(0);
