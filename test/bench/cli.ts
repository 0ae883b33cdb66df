import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Whether the module at `filename` is the one `tsx` was asked to run (not imported by run.ts). */
export const runAlone = (filename: string) =>
  process.argv[1] !== undefined && resolve(process.argv[1]) === filename;

/** `--runs N` of a bench run alone: a positive whole number, else a sentence and exit code 2. */
export function runsOption(defaultRuns: number): number {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: String(defaultRuns) } },
    strict: false,
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs expects a positive whole number, not ${values.runs}`);
    process.exit(2);
  }
  return runs;
}

/** Saves a bench's figures as `results/<name>-latest.json` (ignored by git), with the machine. */
export function saveLatest(name: string, figures: object): void {
  const dir = resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const machine = { cpus: cpus().length, node: process.version };
  writeFileSync(resolve(dir, `${name}-latest.json`), `${JSON.stringify({ ...figures, machine }, null, 2)}\n`);
}
