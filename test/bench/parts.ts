import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PARTS, type PartName } from './summary.ts';

/**
 * The parts of `npm run bench`, each a measuring function of its module, and the entry that runs
 * one part in a process of its own: `tsx test/bench/parts.ts <part> [--runs N] [--requests N]
 * [--quick] [--out file.json]`. run.ts starts one such process per part, one after the other, so
 * that each part has the machine's CPU, a fresh module state (membership and referentiel caches,
 * JIT) and its own local stack.
 */

export interface PartOptions {
  /** The part's runs (what a run is differs: see `runs` of each part); its default when absent. */
  runs?: number;
  /** Contention: GIVE_AVIS per concurrency level. */
  requests?: number;
  /** A short smoke run: few runs and requests. */
  quick: boolean;
}

export interface Part {
  name: PartName;
  what: string;
  /** Where it runs: its stack, or why it has none. */
  stack: string;
  /** What `--runs` counts here, and its default (quick: its smoke value); undefined: not taken. */
  runs?: { what: string; full: number; quick: number };
  measure(options: PartOptions): Promise<unknown>;
  print(figures: unknown): void | Promise<void>;
}

const runsOf = (part: Pick<Part, 'runs'>, o: PartOptions) =>
  o.runs ?? (o.quick ? part.runs?.quick : part.runs?.full);

export const PART_LIST: Part[] = [
  {
    name: 'round-trips',
    what: 'DynamoDB/S3 round trips and latency of every event (with and without Idempotency-Key) and every route; membership cache, revocation delay',
    stack: 'its own local stack (handlers in the part’s process, mail functions stopped)',
    runs: { what: 'timed rounds (4 lifecycles, 4 branches, each other route once)', full: 20, quick: 2 },
    async measure(o) {
      const { measureRoundTrips } = await import('./lifecycle.ts');
      return measureRoundTrips({ runs: runsOf(this, o) as number });
    },
    print(figures) {
      return import('./lifecycle.ts').then(({ printRoundTrips }) => printRoundTrips(figures as never));
    },
  },
  {
    name: 'overhead',
    what: 'handler vs raw SDK, ratio of medians, GET case and GIVE_AVIS',
    stack: 'its own local stack (handlers called in process, no HTTP; mail functions stopped)',
    runs: { what: 'timed real/raw pairs per route', full: 200, quick: 20 },
    async measure(o) {
      const { measureOverhead } = await import('./overhead.ts');
      return measureOverhead({ runs: runsOf(this, o) as number, ...(o.quick && { warmup: 5 }) });
    },
    print(figures) {
      return import('./overhead.ts').then(({ printOverhead }) => printOverhead(figures as never));
    },
  },
  {
    name: 'listing',
    what: 'overdue and plain listing, 10,000 vs 100 cases',
    stack: 'its own local stack (cases written straight into its table; mail functions stopped)',
    runs: { what: 'timed requests per listing and size', full: 30, quick: 5 },
    async measure(o) {
      const { measureListing } = await import('./overdue.ts');
      return measureListing({ runs: runsOf(this, o) as number });
    },
    print(figures) {
      return import('./overdue.ts').then(({ printListing }) => printListing(figures as never));
    },
  },
  {
    name: 'bundles',
    what: "each function's bundle vs its SDK floor, cold import vs the DynamoDB-only floor",
    stack: 'no stack: esbuild into a temporary folder, each cold import in a fresh node',
    runs: { what: 'rounds of cold imports', full: 15, quick: 3 },
    async measure(o) {
      const { measureBundles } = await import('./bundles.ts');
      return measureBundles({ runs: runsOf(this, o) as number, onProgress: (m) => console.log(m) });
    },
    print(figures) {
      return import('./bundles.ts').then(({ formatReport }) => console.log(formatReport(figures as never)));
    },
  },
  {
    name: 'contention',
    what: "13 funders' GIVE_AVIS on one case at concurrency 1, 8, 32",
    stack: 'its own local stack (handlers and mail dispatcher in the part’s process)',
    async measure(o) {
      const { measureContention, DEFAULT_REQUESTS, PARTENAIRES } = await import('./contention.ts');
      const requests = o.requests ?? (o.quick ? PARTENAIRES.length * 2 : DEFAULT_REQUESTS);
      return measureContention({ requests });
    },
    print(figures) {
      return import('./contention.ts').then(({ contentionTable, TARGET }) => {
        const f = figures as import('./contention.ts').ContentionFigures;
        console.log(
          `\nContention: ${f.funders} funders giving avis on one case, ${f.requestsPerLevel} GIVE_AVIS per level (${f.date})\n`,
        );
        console.log(contentionTable(f));
        for (const l of f.levels) {
          for (const [status, detail] of Object.entries(l.errorDetails))
            console.log(`  c = ${l.concurrency}, ${status}: ${detail}`);
        }
        const at = f.levels.find((l) => l.concurrency === TARGET.concurrency);
        console.log(
          `\nTarget at c = ${TARGET.concurrency}: ${TARGET.errors} errors and p99 ≤ ${TARGET.p99Ms} ms; measured ${at ? `${at.errors} errors, p99 ${at.latencyMs.p99.toFixed(0)} ms` : 'not run'}: ${f.target.met ? 'met' : 'not met'}.`,
        );
        console.log(`\nNotes:\n${f.notes.map((n) => `- ${n}`).join('\n')}`);
      });
    },
  },
  {
    name: 'mail',
    what: 'commit-to-mail delay in the SES emulator',
    stack: 'its own local stack (the dispatcher on the stream, in the part’s process)',
    runs: { what: 'mails, one after the other', full: 30, quick: 5 },
    async measure(o) {
      const { measureMailDelay } = await import('./mail-delay.ts');
      return measureMailDelay({ runs: runsOf(this, o) as number });
    },
    print(figures) {
      return import('./mail-delay.ts').then(({ printMailDelay }) => printMailDelay(figures as never));
    },
  },
  {
    name: 'memory',
    what: 'each API function’s handler CPU per call, and its time modelled at 512, 1,024 and 1,769 MB',
    stack: 'its own local stack (handlers called in process, no HTTP; mail functions stopped)',
    runs: { what: 'calls per route', full: 100, quick: 10 },
    async measure(o) {
      const { measureHandlerCpu } = await import('./memory.ts');
      return measureHandlerCpu({ runs: runsOf(this, o) as number });
    },
    print(figures) {
      return import('./memory.ts').then(({ memoryTable }) => console.log(memoryTable(figures as never)));
    },
  },
  {
    name: 'start',
    what: '`npm start` command to first 200 of /health, cold and warm data folder',
    stack: 'no bench stack: npm start itself, on temporary data folders and free ports',
    runs: { what: 'cold + warm start pairs', full: 3, quick: 1 },
    async measure(o) {
      const { measureStartTime } = await import('./start-time.ts');
      return measureStartTime({ runs: runsOf(this, o) as number });
    },
    print(figures) {
      return import('./start-time.ts').then(({ printStartTime }) => printStartTime(figures as never));
    },
  },
  {
    name: 'console',
    what: "the console's first-load bytes and screen times in Chromium",
    stack: 'its own local stack serving the console built into a temporary folder; Chromium',
    runs: { what: 'page loads per screen', full: 10, quick: 2 },
    async measure(o) {
      const { measureConsole } = await import('./console.ts');
      return measureConsole({ runs: runsOf(this, o) as number });
    },
    print(figures) {
      return import('./console.ts').then(({ printConsole }) => printConsole(figures as never));
    },
  },
];

if (PART_LIST.map((p) => p.name).join() !== PARTS.join()) throw new Error('PART_LIST and PARTS differ');

/** What a part's process writes to `--out`: its figures, and why it failed if it did. */
export interface PartOutput {
  figures?: unknown;
  failure?: string;
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  // Before any stack module loads: the handlers' logger reads its level when it is created.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      requests: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const part = PART_LIST.find((p) => p.name === positionals[0]);
  const whole = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) {
      console.error(`--${name} expects a positive whole number, not ${text}`);
      process.exit(2);
    }
    return n;
  };
  if (!part) {
    console.error(`Name one part: ${PARTS.join(', ')}`);
    process.exit(2);
  }
  const runs = whole('runs', values.runs);
  const requests = whole('requests', values.requests);
  const output: PartOutput = {};
  let exitCode = 0;
  try {
    output.figures = await part.measure({
      quick: values.quick,
      ...(runs !== undefined && { runs }),
      ...(requests !== undefined && { requests }),
    });
  } catch (error) {
    exitCode = 1;
    const e = error as Error & { figures?: unknown };
    // Some parts hand the figures measured before the failure with it (contention).
    if (e?.figures !== undefined) output.figures = e.figures;
    output.failure = e instanceof Error ? `${e.name}: ${e.message}` : String(error);
    console.error(`\nThe ${part.name} part failed:`, error);
  }
  if (output.figures !== undefined) {
    try {
      await part.print(output.figures);
    } catch (error) {
      console.error(`Printing the ${part.name} figures failed:`, error);
    }
  }
  if (values.out) writeFileSync(values.out, `${JSON.stringify(output)}\n`);
  process.exit(exitCode);
}
