/** One timed request: its HTTP latency and the DynamoDB and S3 round trips it caused, by operation. */
export interface Sample {
  ms: number;
  /** DynamoDB round trips, by operation. */
  roundTrips: Record<string, number>;
  /** S3 round trips, by operation. */
  s3: Record<string, number>;
}

/** A count over the samples: constant in the usual case, a range when it varied. */
export interface Spread {
  min: number;
  max: number;
  mean: number;
}

export interface OperationFigures {
  operation: string;
  n: number;
  /** DynamoDB round trips, in all and by operation. */
  roundTrips: Spread;
  byOperation: Record<string, Spread>;
  /** S3 round trips, in all and by operation. */
  s3RoundTrips: Spread;
  s3ByOperation: Record<string, Spread>;
  latencyMs: { p50: number; p95: number; max: number; mean: number };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

function spread(values: number[]): Spread {
  const sum = values.reduce((a, b) => a + b, 0);
  return { min: Math.min(...values), max: Math.max(...values), mean: sum / values.length };
}

/** The order in which operations are listed: reads first, then writes. */
const OPERATION_ORDER = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'HeadObject',
  'GetObject',
  'PutObject',
  'DeleteObject',
];
const rank = (op: string) => {
  const i = OPERATION_ORDER.indexOf(op);
  return i === -1 ? OPERATION_ORDER.length : i;
};
export const byOperationOrder = (a: string, b: string) => rank(a) - rank(b) || a.localeCompare(b);

const round = (ms: number) => Math.round(ms * 10) / 10;

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The spread of each operation's count, every operation met in any sample (0 where absent). */
function spreadByOperation(counts: Record<string, number>[]): Record<string, Spread> {
  const names = [...new Set(counts.flatMap((c) => Object.keys(c)))].sort(byOperationOrder);
  return Object.fromEntries(names.map((name) => [name, spread(counts.map((c) => c[name] ?? 0))]));
}

/** Adds counts by operation. */
export function addCounts(...counts: Record<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of counts) for (const [op, n] of Object.entries(c)) sum[op] = (sum[op] ?? 0) + n;
  return sum;
}

/** Several requests made one after the other as one: their latencies and round trips added. */
export function combine(parts: Sample[]): Sample {
  return {
    ms: parts.reduce((a, p) => a + p.ms, 0),
    roundTrips: addCounts(...parts.map((p) => p.roundTrips)),
    s3: addCounts(...parts.map((p) => p.s3)),
  };
}

export function summarise(operation: string, samples: Sample[]): OperationFigures {
  const latencies = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    operation,
    n: samples.length,
    roundTrips: spread(samples.map((s) => total(s.roundTrips))),
    byOperation: spreadByOperation(samples.map((s) => s.roundTrips)),
    s3RoundTrips: spread(samples.map((s) => total(s.s3))),
    s3ByOperation: spreadByOperation(samples.map((s) => s.s3)),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      max: round(latencies.at(-1) ?? Number.NaN),
      mean: round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    },
  };
}

/** `1`, or `0–1 (avg 0.05)` when the count varied between runs. */
export function formatSpread({ min, max, mean }: Spread): string {
  return min === max ? String(min) : `${min}–${max} (avg ${mean.toFixed(2)})`;
}

/** A plain-text table, columns padded; numeric columns right-aligned. */
export function table(header: string[], rows: string[][], numeric: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
