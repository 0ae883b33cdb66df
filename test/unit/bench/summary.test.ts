import { describe, expect, it } from 'vitest';
import { routeList } from '../../../shared/http/routes.ts';
import type { BundleReport } from '../../bench/bundles.ts';
import type { ConsoleFigures } from '../../bench/console.ts';
import type { ContentionFigures } from '../../bench/contention.ts';
import type { MeasuredOperation, RoundTripFigures } from '../../bench/lifecycle.ts';
import type { MailDelayFigures } from '../../bench/mail-delay.ts';
import { isMembershipRead, ownRoundTrips } from '../../bench/round-trips.ts';
import {
  compare,
  contentionRows,
  countVerdicts,
  expectedEvents,
  formatSummary,
  mailRows,
  PARTS,
  roundTripRows,
  rowsOf,
  type SummaryRow,
  verdictOf,
} from '../../bench/summary.ts';

const row = (value: number | undefined, extra: Partial<SummaryRow> = {}): SummaryRow => ({
  part: 'p',
  figure: 'f',
  value,
  measured: String(value),
  ...extra,
});

describe('the summary of npm run bench', () => {
  it('compares a value with its target', () => {
    expect(compare(1.1, { op: '<=', value: 1.1 })).toBe(true);
    expect(compare(1.11, { op: '<=', value: 1.1 })).toBe(false);
    expect(compare(2, { op: '=', value: 2 })).toBe(true);
    expect(compare(3, { op: '=', value: 2 })).toBe(false);
    expect(compare(5, { op: '>=', value: 4 })).toBe(true);
  });

  it('says met, not met, no target, and missing', () => {
    expect(verdictOf(row(1.05, { target: { op: '<=', value: 1.1 } }))).toBe('met');
    expect(verdictOf(row(1.2, { target: { op: '<=', value: 1.1 } }))).toBe('not met');
    expect(verdictOf(row(3.4))).toBe('no target');
    // A figure not measured is missing, never met, whatever its target.
    expect(verdictOf(row(undefined, { target: { op: '<=', value: 1.1 } }))).toBe('missing');
    expect(verdictOf(row(Number.NaN, { target: { op: '<=', value: 1.1 } }))).toBe('missing');
    expect(verdictOf(row(undefined))).toBe('missing');
  });

  it('needs every condition of a target: 2 round trips but two reads is not met', () => {
    const target = { op: '=' as const, value: 2 };
    expect(verdictOf(row(2, { target, conditions: [{ what: 'one read', ok: true }] }))).toBe('met');
    expect(
      verdictOf(
        row(2, {
          target,
          conditions: [
            { what: 'one read', ok: false },
            { what: 'one write', ok: true },
          ],
        }),
      ),
    ).toBe('not met');
  });

  it('reports every figure of a part that gave none as missing', () => {
    for (const part of PARTS) {
      const rows = rowsOf(part, undefined, 'part failed: boom');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => verdictOf(r) === 'missing')).toBe(true);
      expect(rows.every((r) => r.measured === 'part failed: boom')).toBe(true);
    }
    // The round trips list every event type with and without a key, and every route.
    const rows = roundTripRows(undefined);
    for (const e of expectedEvents()) expect(rows.map((r) => r.figure)).toContain(e.figure);
    expect(rows.filter((r) => r.figure.startsWith('route ')).length).toBe(routeList.length);
  });

  it('judges an event by its own round trips: one read and one write, membership apart', () => {
    const spread = (n: number, m = n) => ({ min: n, max: m, mean: (n + m) / 2 });
    const op = (o: Partial<MeasuredOperation> & { operation: string }): MeasuredOperation => ({
      n: 4,
      roundTrips: spread(2),
      byOperation: { GetItem: spread(1), TransactWriteItems: spread(1) },
      s3RoundTrips: spread(0),
      s3ByOperation: {},
      latencyMs: { p50: 10, p95: 12, max: 13, mean: 10 },
      own: { roundTrips: spread(2), reads: spread(1), writes: spread(1) },
      membershipReads: 0,
      ...o,
    });
    const figures = {
      operations: [
        op({
          operation: 'POST events SUBMIT_FICHE',
          route: 'POST /cases/{caseId}/events',
          event: { type: 'SUBMIT_FICHE', keyed: false, retry: false },
        }),
        op({
          operation: 'POST events SUBMIT_FICHE + Idempotency-Key',
          route: 'POST /cases/{caseId}/events',
          event: { type: 'SUBMIT_FICHE', keyed: true, retry: false },
          own: { roundTrips: spread(3), reads: spread(2), writes: spread(1) },
        }),
        op({
          operation: 'POST events ACCEPT',
          route: 'POST /cases/{caseId}/events',
          event: { type: 'ACCEPT', keyed: false, retry: false },
          own: { roundTrips: spread(2, 3), reads: spread(1, 2), writes: spread(1) },
        }),
        op({
          operation: 'GET /referentiel (cache warm)',
          route: 'GET /referentiel',
          own: { roundTrips: spread(0), reads: spread(0), writes: spread(0) },
        }),
        op({
          operation: 'GET /health',
          route: 'GET /health',
          own: { roundTrips: spread(0), reads: spread(0), writes: spread(0) },
        }),
      ],
      membership: { readsDuringLifecycles: 3, requestsDuringLifecycles: 100, revocationSeconds: 41.2 },
    } as unknown as RoundTripFigures;
    const rows = roundTripRows(figures);
    const verdict = (figure: string) => verdictOf(rows.find((r) => r.figure === figure) as SummaryRow);
    expect(verdict('event SUBMIT_FICHE')).toBe('met');
    expect(verdict('event SUBMIT_FICHE + Idempotency-Key')).toBe('not met');
    expect(verdict('event ACCEPT')).toBe('not met');
    expect(verdict('event REJECT')).toBe('missing');
    expect(verdict('event RECORD_RESTITUTION (no rencontre) + Idempotency-Key')).toBe('missing');
    expect(verdict('GET /referentiel (cache warm)')).toBe('met');
    expect(verdict('GET /health')).toBe('no target');
    expect(verdict('route POST /admin/users')).toBe('missing');
    expect(rows.some((r) => r.figure === 'route GET /health')).toBe(false);
  });

  it('reads the contention target at c = 32 only, the other levels reported', () => {
    const level = (concurrency: number, errors: number, p99: number) => ({
      concurrency,
      requests: 130,
      requestsPerSecond: 50,
      latencyMs: { p50: 100, p99, max: p99 },
      errors,
      errorsByStatus: errors ? { 409: errors } : {},
    });
    const f = {
      levels: [level(1, 0, 50), level(8, 2, 400), level(32, 0, 1200)],
    } as unknown as ContentionFigures;
    const rows = contentionRows(f);
    expect(rows.map(verdictOf)).toEqual(['no target', 'no target', 'no target', 'met', 'not met']);
    const noTop = { levels: [level(1, 0, 50)] } as unknown as ContentionFigures;
    expect(contentionRows(noTop).map(verdictOf)).toEqual([
      'no target',
      'missing',
      'missing',
      'missing',
      'missing',
    ]);
  });

  it('compares the slowest mail with 2 s, and bundle rows per function', () => {
    const mail = { runs: 5, p50Ms: 200, p95Ms: 300, maxMs: 2100 } as MailDelayFigures;
    expect(mailRows(mail).map(verdictOf)).toEqual(['not met']);
    const fn = {
      name: 'cases',
      floor: 'dynamodb',
      bytes: 500_000,
      gzipBytes: 120_000,
      floorBytes: 400_000,
      overFloorBytes: 100_000,
      importMs: 80,
      ratioToDynamoFloor: 1.3,
      cpuRatioToDynamoFloor: 1.2,
    };
    const report = { reference: 'dynamodb', functions: [fn] } as unknown as BundleReport;
    expect(rowsOf('bundles', report).map(verdictOf)).toEqual(['met', 'not met']);
    expect(rowsOf('bundles', { reference: 'dynamodb', functions: [] }).map(verdictOf)).toEqual([
      'missing',
      'missing',
    ]);
  });

  it('reads the console screens as missing when the browser could not measure them', () => {
    const firstLoad = {
      jsRawBytes: 400_000,
      jsGzipBytes: 140 * 1024,
      cssGzipBytes: 3000,
      targetJsGzipBytes: 150 * 1024,
    };
    const f = { runs: 2, firstLoad, screens: [] } as unknown as ConsoleFigures;
    expect(rowsOf('console', f).map(verdictOf)).toEqual(['met', 'missing']);
    const measured = { ...f, screens: [{ screen: 'dossiers', p50Ms: 1200, maxMs: 1300, targetMs: 1000 }] };
    expect(rowsOf('console', measured).map(verdictOf)).toEqual(['met', 'not met']);
  });

  it('prints one table and the counts', () => {
    const rows = [
      row(1, { target: { op: '<=', value: 2, text: '≤ 2' } }),
      row(3, { target: { op: '<=', value: 2, text: '≤ 2' } }),
      row(undefined, { target: { op: '<=', value: 2 } }),
      row(5),
    ];
    const text = formatSummary(rows);
    expect(text).toMatch(/met\n/);
    expect(text).toContain('NOT MET');
    expect(text).toContain('MISSING');
    expect(countVerdicts(rows)).toEqual({ met: 1, 'not met': 1, missing: 1, 'no target': 1 });
    expect(text).toContain('1 met, 1 not met, 1 missing, 1 without target');
  });
});

describe('the round-trip counter', () => {
  it('tells the caller’s membership read from the route’s reads', () => {
    expect(isMembershipRead({ pk: 'USER#abc', sk: 'MEMBERSHIP' })).toBe(true);
    expect(isMembershipRead({ pk: 'USER#abc', sk: 'MEMBERSHIP' }, 'abc')).toBe(true);
    // Another user's membership (PATCH /admin/users/{userId}) and preferences are the route's own.
    expect(isMembershipRead({ pk: 'USER#xyz', sk: 'MEMBERSHIP' }, 'abc')).toBe(false);
    expect(isMembershipRead({ pk: 'USER#abc', sk: 'PREFERENCES' }, 'abc')).toBe(false);
    expect(isMembershipRead(undefined)).toBe(false);
    // As the middleware sees it: marshalled by the document client.
    expect(isMembershipRead({ pk: { S: 'USER#abc' }, sk: { S: 'MEMBERSHIP' } }, 'abc')).toBe(true);
    expect(isMembershipRead({ pk: { S: 'USER#abc' }, sk: { S: 'PREFERENCES' } }, 'abc')).toBe(false);
  });

  it('counts own round trips, reads and writes apart from membership reads', () => {
    expect(ownRoundTrips({ 'GetItem (membership)': 1, BatchGetItem: 1, TransactWriteItems: 1 })).toEqual({
      total: 2,
      reads: 1,
      writes: 1,
    });
    expect(ownRoundTrips({})).toEqual({ total: 0, reads: 0, writes: 0 });
  });
});
