import { routeList } from '../../shared/http/routes.ts';
import { SCHEMA_EVENT_TYPES } from '../../workflows/case-events.schema.ts';
import type { BundleReport } from './bundles.ts';
import type { ConsoleFigures } from './console.ts';
import type { ContentionFigures } from './contention.ts';
import type { MeasuredOperation, RoundTripFigures } from './lifecycle.ts';
import type { MailDelayFigures } from './mail-delay.ts';
import type { MemoryFigures } from './memory.ts';
import type { ListingFigures } from './overdue.ts';
import type { OverheadFigures } from './overhead.ts';
import { MEMBERSHIP_READ } from './round-trips.ts';
import type { StartTimeFigures } from './start-time.ts';
import { formatSpread, type Spread, table } from './stats.ts';

/**
 * The summary of `npm run bench`: every figure of the issue, measured, beside its target. Pure:
 * figures in, rows out (test/unit/bench/summary.test.ts). A part that did not run, or a figure it
 * did not give, makes rows whose value is missing: they read "missing", never "met".
 */

export type Comparison = '<=' | '=' | '>=';

export interface Target {
  op: Comparison;
  value: number;
  /** How the target reads, e.g. `≤ 150 KB`; built from op, value and unit when absent. */
  text?: string;
  unit?: string;
}

export interface SummaryRow {
  part: string;
  figure: string;
  /** The number compared with the target; undefined (or NaN): not measured. */
  value?: number | undefined;
  /** How the measure reads, e.g. `2 (BatchGetItem 1, TransactWriteItems 1)`. */
  measured: string;
  target?: Target;
  /** Further conditions of the target (one read and one write…), each with its outcome. */
  conditions?: { what: string; ok: boolean }[];
}

export type Verdict = 'met' | 'not met' | 'missing' | 'no target';

export function compare(value: number, target: Target): boolean {
  if (target.op === '<=') return value <= target.value;
  if (target.op === '>=') return value >= target.value;
  return value === target.value;
}

export function verdictOf(row: SummaryRow): Verdict {
  if (row.value === undefined || !Number.isFinite(row.value)) return 'missing';
  if (!row.target) return 'no target';
  const ok = compare(row.value, row.target) && (row.conditions ?? []).every((c) => c.ok);
  return ok ? 'met' : 'not met';
}

export function targetText(target: Target | undefined): string {
  if (!target) return '—';
  if (target.text) return target.text;
  const op = { '<=': '≤', '=': '=', '>=': '≥' }[target.op];
  return `${op} ${target.value}${target.unit ? ` ${target.unit}` : ''}`;
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const missing = (part: string, figure: string, why: string, target?: Target): SummaryRow => ({
  part,
  figure,
  measured: why,
  ...(target && { target }),
});

// ----- round-trips -----

export const EVENT_TARGET: Target = { op: '=', value: 2, text: '2: 1 read + 1 write' };
export const REFERENTIEL_TARGET: Target = { op: '=', value: 0, text: '0 (cache warm)' };
const REFERENTIEL_WARM = 'GET /referentiel (cache warm)';

/** `GetItem 1, TransactWriteItems 1`, membership reads apart. */
const ownOperations = (o: MeasuredOperation) =>
  Object.entries(o.byOperation)
    .filter(([op]) => op !== MEMBERSHIP_READ)
    .map(([op, s]) => `${op} ${formatSpread(s)}`)
    .join(', ') || 'none';

/** `2 (GetItem 1, TransactWriteItems 1) · p50 12 ms`, and the membership reads apart when there were. */
const roundTripText = (o: MeasuredOperation) => {
  const membership = o.byOperation[MEMBERSHIP_READ];
  const apart = membership && membership.max > 0 ? ` + membership ${formatSpread(membership)}` : '';
  return `${formatSpread(o.own.roundTrips)} (${ownOperations(o)})${apart} · p50 ${ms(o.latencyMs.p50)}`;
};

const once = (s: Spread, n: number) => s.min === n && s.max === n;

/** An event's row: its own round trips against 2, one read and one write in every sample. */
function eventRow(figure: string, o: MeasuredOperation | undefined, why: string): SummaryRow {
  if (!o) return missing('round-trips', figure, why, EVENT_TARGET);
  return {
    part: 'round-trips',
    figure,
    value: o.own.roundTrips.max,
    measured: roundTripText(o),
    target: EVENT_TARGET,
    conditions: [
      { what: 'one read', ok: once(o.own.reads, 1) },
      { what: 'one write', ok: once(o.own.writes, 1) },
      { what: 'the same in every sample', ok: o.own.roundTrips.min === o.own.roundTrips.max },
    ],
  };
}

/** The events the bench must measure: every type, without and with a key; PUT fiche without. */
export function expectedEvents(): { type: string; keyed: boolean; variant?: string; figure: string }[] {
  const list: { type: string; keyed: boolean; variant?: string; figure: string }[] = [
    { type: 'UPDATE_FICHE', keyed: false, figure: 'PUT /cases/{caseId}/fiche (UPDATE_FICHE)' },
  ];
  for (const type of SCHEMA_EVENT_TYPES as string[]) {
    const variants = type === 'RECORD_RESTITUTION' ? ['rencontre', 'no rencontre'] : [undefined];
    for (const variant of variants) {
      for (const keyed of [false, true]) {
        list.push({
          type,
          keyed,
          ...(variant && { variant }),
          figure: `event ${type}${variant ? ` (${variant})` : ''}${keyed ? ' + Idempotency-Key' : ''}`,
        });
      }
    }
  }
  return list;
}

export function roundTripRows(f: RoundTripFigures | undefined, why = 'not measured'): SummaryRow[] {
  const part = 'round-trips';
  const ops = f?.operations ?? [];
  const rows: SummaryRow[] = [];
  const used = new Set<MeasuredOperation>();
  for (const e of expectedEvents()) {
    const o = ops.find(
      (op) =>
        op.event?.type === e.type &&
        op.event.keyed === e.keyed &&
        !op.event.retry &&
        op.event.variant === e.variant,
    );
    if (o) used.add(o);
    rows.push(eventRow(e.figure, o, f ? 'not measured by the bench' : why));
  }
  const warm = ops.find((o) => o.operation === REFERENTIEL_WARM);
  if (warm) used.add(warm);
  rows.push(
    warm
      ? {
          part,
          figure: REFERENTIEL_WARM,
          value: warm.own.roundTrips.max,
          measured: roundTripText(warm),
          target: REFERENTIEL_TARGET,
        }
      : missing(part, REFERENTIEL_WARM, f ? 'not measured by the bench' : why, REFERENTIEL_TARGET),
  );
  // Every other operation on a route: listed, no target.
  for (const o of ops) {
    if (used.has(o) || !o.route) continue;
    rows.push({ part, figure: o.operation, value: o.own.roundTrips.max, measured: roundTripText(o) });
  }
  const measured = new Set(ops.map((o) => o.route));
  for (const r of routeList) {
    const key = `${r.method} ${r.path}`;
    if (!measured.has(key)) rows.push(missing(part, `route ${key}`, f ? 'no row measured this route' : why));
  }
  rows.push(
    f
      ? {
          part,
          figure: 'revocation: a disabled user refused after',
          value: f.membership.revocationSeconds,
          measured: `${f.membership.revocationSeconds.toFixed(1)} s (membership cache: 60 s)`,
        }
      : missing(part, 'revocation: a disabled user refused after', why),
  );
  rows.push(
    f
      ? {
          part,
          figure: 'membership reads during the timed rounds',
          value: f.membership.readsDuringLifecycles,
          measured: `${f.membership.readsDuringLifecycles} over ${f.membership.requestsDuringLifecycles} requests reaching DynamoDB`,
        }
      : missing(part, 'membership reads during the timed rounds', why),
  );
  return rows;
}

// ----- overhead -----

export const OVERHEAD_TARGET: Target = { op: '<=', value: 1.1, text: '≤ 1.10' };
export const OVERHEAD_ROUTES = ['GET /cases/{caseId}', 'POST /cases/{caseId}/events GIVE_AVIS'];

export function overheadRows(f: OverheadFigures | undefined, why = 'not measured'): SummaryRow[] {
  return OVERHEAD_ROUTES.map((route) => {
    const figure = `handler / raw SDK median, ${route}`;
    const r = f?.routes.find((x) => x.route === route);
    if (!r) return missing('overhead', figure, f ? 'route not measured' : why, OVERHEAD_TARGET);
    return {
      part: 'overhead',
      figure,
      value: r.ratio,
      measured: `${r.ratio.toFixed(2)} (${ms(r.real.latencyMs.p50)} / ${ms(r.raw.latencyMs.p50)}, n ${r.real.n})`,
      target: OVERHEAD_TARGET,
    };
  });
}

// ----- listing -----

export const LISTING_TARGET: Target = { op: '<=', value: 1.3, text: '≤ 1.3' };
export const LISTING_NAMES = ['GET /cases?overdue=true&limit=20', 'GET /cases?limit=20'];

export function listingRows(f: ListingFigures | undefined, why = 'not measured'): SummaryRow[] {
  return LISTING_NAMES.map((listing) => {
    const figure = `${listing}: p50 at 10,000 / at 100 cases`;
    const r = f?.ratios.find((x) => x.listing === listing);
    if (!r) return missing('listing', figure, f ? 'listing not measured' : why, LISTING_TARGET);
    return {
      part: 'listing',
      figure,
      value: r.ratio,
      measured: `${r.ratio.toFixed(2)} (${ms(r.largeMs)} / ${ms(r.smallMs)})`,
      target: LISTING_TARGET,
    };
  });
}

// ----- bundles -----

export const OVER_FLOOR_TARGET: Target = { op: '<=', value: 150 * 1024, text: '≤ 150 KB' };
export const IMPORT_TARGET: Target = { op: '<=', value: 1.25, text: '≤ 1.25' };

export function bundleRows(f: BundleReport | undefined, why = 'not measured'): SummaryRow[] {
  if (!f || f.functions.length === 0) {
    const reason = f ? 'no function bundled' : why;
    return [
      missing('bundles', "each function's bundle − its SDK floor", reason, OVER_FLOOR_TARGET),
      missing('bundles', "each function's cold import / DynamoDB-only floor", reason, IMPORT_TARGET),
    ];
  }
  return f.functions.flatMap((fn): SummaryRow[] => [
    {
      part: 'bundles',
      figure: `${fn.name}: bundle − floor (${fn.floor})`,
      value: fn.overFloorBytes,
      measured: `${kb(fn.overFloorBytes)} (${kb(fn.bytes)} raw, ${kb(fn.gzipBytes)} gzip; floor ${kb(fn.floorBytes)})`,
      target: OVER_FLOOR_TARGET,
    },
    {
      part: 'bundles',
      figure: `${fn.name}: cold import / ${f.reference} floor`,
      value: fn.ratioToDynamoFloor,
      measured: `${fn.ratioToDynamoFloor.toFixed(2)} (${ms(fn.importMs)}; cpu ×${fn.cpuRatioToDynamoFloor.toFixed(2)})`,
      target: IMPORT_TARGET,
    },
  ]);
}

// ----- contention -----

export const CONTENTION_ERRORS_TARGET: Target = { op: '=', value: 0, text: '0' };
export const CONTENTION_P99_TARGET: Target = { op: '<=', value: 1000, text: '≤ 1000 ms' };
export const CONTENTION_LEVELS = [1, 8, 32];

export function contentionRows(f: ContentionFigures | undefined, why = 'not measured'): SummaryRow[] {
  const part = 'contention';
  const rows: SummaryRow[] = [];
  for (const c of CONTENTION_LEVELS) {
    const l = f?.levels.find((x) => x.concurrency === c);
    const reason = f ? `c = ${c} not run` : why;
    const figure = `13 funders' GIVE_AVIS, c = ${c}`;
    rows.push(
      l
        ? {
            part,
            figure: `${figure}: req/s, p50, p99, errors`,
            value: l.requestsPerSecond,
            measured: `${l.requestsPerSecond.toFixed(1)} req/s, p50 ${ms(l.latencyMs.p50)}, p99 ${ms(l.latencyMs.p99)}, ${l.errors}/${l.requests} errors`,
          }
        : missing(part, `${figure}: req/s, p50, p99, errors`, reason),
    );
    if (c === 32) {
      rows.push(
        l
          ? {
              part,
              figure: `${figure}: errors`,
              value: l.errors,
              measured: `${l.errors} of ${l.requests}${
                l.errors
                  ? ` (${Object.entries(l.errorsByStatus)
                      .map(([s, n]) => `${s} × ${n}`)
                      .join(', ')})`
                  : ''
              }`,
              target: CONTENTION_ERRORS_TARGET,
            }
          : missing(part, `${figure}: errors`, reason, CONTENTION_ERRORS_TARGET),
        l
          ? {
              part,
              figure: `${figure}: p99`,
              value: l.latencyMs.p99,
              measured: ms(l.latencyMs.p99),
              target: CONTENTION_P99_TARGET,
            }
          : missing(part, `${figure}: p99`, reason, CONTENTION_P99_TARGET),
      );
    }
  }
  return rows;
}

// ----- mail, start, console -----

export const MAIL_TARGET: Target = { op: '<=', value: 2000, text: '≤ 2000 ms (max)' };

export function mailRows(f: MailDelayFigures | undefined, why = 'not measured'): SummaryRow[] {
  const figure = 'commit → mail, slowest of the runs';
  if (!f) return [missing('mail', figure, why, MAIL_TARGET)];
  return [
    {
      part: 'mail',
      figure,
      value: f.maxMs,
      measured: `max ${f.maxMs} ms (p50 ${f.p50Ms}, p95 ${f.p95Ms}, n ${f.runs})`,
      target: MAIL_TARGET,
    },
  ];
}

export function startRows(f: StartTimeFigures | undefined, why = 'not measured'): SummaryRow[] {
  return (['cold', 'warm'] as const).map((kind) => {
    const figure = `npm start → first /health, ${kind} data folder (median)`;
    if (!f) return missing('start', figure, why);
    const s = f[kind].healthMs;
    return {
      part: 'start',
      figure,
      value: s.median / 1000,
      measured: `${(s.median / 1000).toFixed(2)} s (min ${(s.min / 1000).toFixed(2)}, max ${(s.max / 1000).toFixed(2)}, n ${f.runs})`,
    };
  });
}

export const CONSOLE_BYTES_TARGET: Target = { op: '<=', value: 150 * 1024, text: '≤ 150 KB' };
export const SCREEN_TARGET: Target = { op: '<=', value: 1000, text: '≤ 1000 ms' };

export function consoleRows(f: ConsoleFigures | undefined, why = 'not measured'): SummaryRow[] {
  const figure = "console's first-load JavaScript, gzipped";
  if (!f) {
    return [
      missing('console', figure, why, CONSOLE_BYTES_TARGET),
      missing('console', 'console screens usable (p50)', why, SCREEN_TARGET),
    ];
  }
  return [
    {
      part: 'console',
      figure,
      value: f.firstLoad.jsGzipBytes,
      measured: `${kb(f.firstLoad.jsGzipBytes)} (${kb(f.firstLoad.jsRawBytes)} raw; CSS ${kb(f.firstLoad.cssGzipBytes)} gzip)`,
      target: CONSOLE_BYTES_TARGET,
    },
    ...(f.screens.length === 0
      ? [missing('console', 'console screens usable (p50)', 'screens not measured', SCREEN_TARGET)]
      : []),
    ...f.screens.map((s) => ({
      part: 'console',
      figure: `screen ${s.screen} usable (p50)`,
      value: s.p50Ms,
      measured: `${s.p50Ms} ms (max ${s.maxMs}, n ${f.runs})`,
      target: { ...SCREEN_TARGET, value: s.targetMs, text: `≤ ${s.targetMs} ms` },
    })),
  ];
}

// ----- memory -----

/** Handler CPU per call and the call's modelled time at each size (no target: it informs the sizes). */
export function memoryRows(f: MemoryFigures | undefined, why = 'not measured'): SummaryRow[] {
  if (!f) return [missing('memory', 'handler CPU per call', why)];
  return f.handlers.map((h) => ({
    part: 'memory',
    figure: `${h.group} ${h.route}: CPU per call (p50)`,
    value: h.cpuMs.p50,
    measured: `${h.cpuMs.p50.toFixed(2)} ms CPU of ${h.wallMs.p50.toFixed(2)} ms; at ${Object.entries(
      h.atSizeMs,
    )
      .map(([mb, ms]) => `${mb} MB ${ms.toFixed(1)} ms`)
      .join(', ')}`,
  }));
}

// ----- all parts -----

export const PARTS = [
  'round-trips',
  'overhead',
  'listing',
  'bundles',
  'contention',
  'mail',
  'memory',
  'start',
  'console',
] as const;
export type PartName = (typeof PARTS)[number];

const BUILDERS: Record<PartName, (figures: never, why?: string) => SummaryRow[]> = {
  'round-trips': roundTripRows,
  overhead: overheadRows,
  listing: listingRows,
  bundles: bundleRows,
  contention: contentionRows,
  mail: mailRows,
  start: startRows,
  console: consoleRows,
  memory: memoryRows,
};

/** The rows of one part: from its figures, or, when it gave none, its figures each missing. */
export function rowsOf(part: PartName, figures: unknown, why?: string): SummaryRow[] {
  return BUILDERS[part](figures as never, why);
}

const VERDICT_TEXT: Record<Verdict, string> = {
  met: 'met',
  'not met': 'NOT MET',
  missing: 'MISSING',
  'no target': '—',
};

export function countVerdicts(rows: SummaryRow[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { met: 0, 'not met': 0, missing: 0, 'no target': 0 };
  for (const row of rows) counts[verdictOf(row)]++;
  return counts;
}

/** The failed conditions of a row, for the table: `not met: one read`. */
function conditionText(row: SummaryRow): string {
  const failed = (row.conditions ?? []).filter((c) => !c.ok).map((c) => c.what);
  return failed.length > 0 && verdictOf(row) === 'not met' ? ` (not: ${failed.join(', ')})` : '';
}

export function formatSummary(rows: SummaryRow[]): string {
  const lines = table(
    ['part', 'figure', 'measured', 'target', 'result'],
    rows.map((row) => [
      row.part,
      row.figure,
      row.measured,
      targetText(row.target),
      `${VERDICT_TEXT[verdictOf(row)]}${conditionText(row)}`,
    ]),
    [false, false, false, false, false],
  );
  const c = countVerdicts(rows);
  return `${lines}\n\n${c.met} met, ${c['not met']} not met, ${c.missing} missing, ${c['no target']} without target (reported).`;
}
