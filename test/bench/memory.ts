import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { decodeJwt } from 'jose';
import type { HttpEvent, HttpResult } from '../../shared/http/api-handler.ts';
import { httpEvent, lambdaContext } from '../helpers/events.ts';
import { runAlone, runsOption } from './cli.ts';
import { COORDINATEUR, FICHE, GESTIONNAIRE, PARTENAIRE_CAF as PARTENAIRE } from './fixtures.ts';
import { localToken, startBenchStack } from './local-stack.ts';
import { percentile, table } from './stats.ts';

/**
 * `tsx test/bench/memory.ts [--runs N]`: what each API function's work costs in CPU, to choose its
 * memory size. Lambda gives a function CPU in proportion to its memory (one vCPU at 1,769 MB), so
 * a handler's CPU time stretches by 1,769 / memory below that, while its waits on DynamoDB do
 * not. Measured here, on the local stack with the mail jobs stopped: the CPU time of this process
 * (user + system) during one call of the real handler, sequential calls, after a warm-up; the
 * bundle's cold import CPU comes from test/bench/bundles.ts.
 */

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** One vCPU at this size (the Lambda documentation's figure); CPU grows linearly with memory below it. */
export const ONE_VCPU_MB = 1769;
/** The sizes compared. */
export const SIZES_MB = [512, 1024, 1769] as const;

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

export interface HandlerCpu {
  group: string;
  route: string;
  runs: number;
  /** CPU time of the call (user + system), median and p95, ms. */
  cpuMs: { p50: number; p95: number };
  /** Wall time of the call, median, ms: CPU plus the waits on DynamoDB Local. */
  wallMs: { p50: number };
  /** The call's time at each size: CPU stretched by 1,769 / size (at most 1), waits unchanged. */
  atSizeMs: Record<string, number>;
}

export interface MemoryFigures {
  date: string;
  handlers: HandlerCpu[];
  notes: string[];
}

/** The time of a call of `cpuMs` CPU and `wallMs` in all, at a memory size. */
export function timeAtSize(cpuMs: number, wallMs: number, sizeMb: number): number {
  const stretch = Math.max(1, ONE_VCPU_MB / sizeMb);
  return cpuMs * stretch + Math.max(0, wallMs - cpuMs);
}

const round = (n: number) => Math.round(n * 100) / 100;

export async function measureHandlerCpu({ runs = 100 }: { runs?: number } = {}): Promise<MemoryFigures> {
  const stack = await startBenchStack();
  try {
    const { flattenClaims } = await import('../../infra/local/jwt-verifier.ts');
    const { routes } = await import('../../shared/http/routes.ts');
    await Promise.all([stack.mail.poller.stop(), stack.mail.jobs.stop()]);
    const tokens = new Map<string, string>();
    for (const email of [GESTIONNAIRE, COORDINATEUR, PARTENAIRE]) {
      tokens.set(email, await localToken(stack.url, email));
    }
    const call = async (method: string, path: string, as: string, body?: unknown) => {
      const res = await fetch(`${stack.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${tokens.get(as)}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`);
      return res.json() as Promise<{ id: string }>;
    };
    const created = await call('POST', '/cases', GESTIONNAIRE, { centreId: 'cs-tilleuls', fiche: FICHE });
    await call('POST', `/cases/${created.id}/events`, GESTIONNAIRE, { type: 'SUBMIT_FICHE' });
    await call('POST', `/cases/${created.id}/events`, COORDINATEUR, { type: 'OPEN_SAISINE' });

    /** The v2.0 event the gateway gives a handler once it has checked the token. */
    const eventOf = (
      method: string,
      path: string,
      as: string,
      pathParameters: Record<string, string> = {},
      body?: unknown,
    ): HttpEvent =>
      httpEvent({
        method,
        path,
        pathParameters,
        claims: flattenClaims(decodeJwt(tokens.get(as) as string)),
        headers: {
          authorization: `Bearer ${tokens.get(as)}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    const load = async (module: string) =>
      (await import(pathToFileURL(`${process.cwd()}/${module}`).href)).handler as Handler;

    const caseId = created.id;
    const avis = (n: number) => ({ type: 'GIVE_AVIS', avis: n % 2 ? 'favorable' : 'reserve' });
    const cases: { group: string; route: string; handler: string; event: (n: number) => HttpEvent }[] = [
      {
        group: 'public',
        route: 'GET /health',
        handler: routes.getHealth.handler,
        event: () => eventOf('GET', '/health', GESTIONNAIRE),
      },
      {
        group: 'identity',
        route: 'GET /me',
        handler: routes.getMe.handler,
        event: () => eventOf('GET', '/me', PARTENAIRE),
      },
      {
        group: 'preferences',
        route: 'GET /me/preferences',
        handler: routes.getPreferences.handler,
        event: () => eventOf('GET', '/me/preferences', PARTENAIRE),
      },
      {
        group: 'cases',
        route: 'GET /cases/{caseId}',
        handler: routes.getCase.handler,
        event: () => eventOf('GET', `/cases/${caseId}`, COORDINATEUR, { caseId }),
      },
      {
        group: 'cases',
        route: 'GET /cases?limit=20',
        handler: routes.listCases.handler,
        event: () => ({ ...eventOf('GET', '/cases', COORDINATEUR), queryStringParameters: { limit: '20' } }),
      },
      {
        group: 'cases',
        route: 'POST events GIVE_AVIS',
        handler: routes.postEvent.handler,
        event: (n) => eventOf('POST', `/cases/${caseId}/events`, PARTENAIRE, { caseId }, avis(n)),
      },
      {
        group: 'documents',
        route: 'GET /cases/{caseId}/documents',
        handler: routes.listDocuments.handler,
        event: () => eventOf('GET', `/cases/${caseId}/documents`, COORDINATEUR, { caseId }),
      },
      {
        group: 'admin',
        route: 'GET /admin/users',
        handler: routes.listUsers.handler,
        event: () => eventOf('GET', '/admin/users', COORDINATEUR),
      },
    ];

    const handlers: HandlerCpu[] = [];
    for (const c of cases) {
      const handler = await load(c.handler);
      const cpu: number[] = [];
      const wall: number[] = [];
      for (let n = 0; n < runs + 10; n++) {
        const event = c.event(n);
        const cpuStart = process.cpuUsage();
        const started = performance.now();
        const result = await handler(event, lambdaContext);
        const ms = performance.now() - started;
        const used = process.cpuUsage(cpuStart);
        if (result.statusCode !== 200) throw new Error(`${c.route} → ${result.statusCode}: ${result.body}`);
        if (n < 10) continue;
        cpu.push((used.user + used.system) / 1000);
        wall.push(ms);
      }
      cpu.sort((a, b) => a - b);
      wall.sort((a, b) => a - b);
      const cpuP50 = percentile(cpu, 50);
      const wallP50 = percentile(wall, 50);
      handlers.push({
        group: c.group,
        route: c.route,
        runs,
        cpuMs: { p50: round(cpuP50), p95: round(percentile(cpu, 95)) },
        wallMs: { p50: round(wallP50) },
        atSizeMs: Object.fromEntries(
          SIZES_MB.map((mb) => [String(mb), round(timeAtSize(cpuP50, wallP50, mb))]),
        ),
      });
    }
    return {
      date: new Date().toISOString(),
      handlers,
      notes: [
        'CPU: process.cpuUsage() of this process around one call of the real handler module (no HTTP), calls one after the other, 10 untimed first; the mail poller and jobs stopped. It includes the SDK’s own work (marshalling, signing, parsing), which a Lambda pays too; DynamoDB Local’s work is in its own process and not counted.',
        `At a size: CPU × ${ONE_VCPU_MB} / size (Lambda gives one vCPU at ${ONE_VCPU_MB} MB, in proportion below), plus the rest of the wall time (waits), unchanged. A model from local figures, not a Lambda measurement.`,
      ],
    };
  } finally {
    await stack.stop();
  }
}

export function memoryTable(figures: MemoryFigures): string {
  return table(
    [
      'function',
      'route',
      'CPU p50 ms',
      'CPU p95 ms',
      'wall p50 ms',
      ...SIZES_MB.map((mb) => `at ${mb} MB ms`),
    ],
    figures.handlers.map((h) => [
      h.group,
      h.route,
      h.cpuMs.p50.toFixed(2),
      h.cpuMs.p95.toFixed(2),
      h.wallMs.p50.toFixed(2),
      ...SIZES_MB.map((mb) => (h.atSizeMs[String(mb)] ?? Number.NaN).toFixed(1)),
    ]),
    [false, false, true, true, true, ...SIZES_MB.map(() => true)],
  );
}

if (runAlone(import.meta.filename)) {
  const runs = runsOption(100);
  const figures = await measureHandlerCpu({ runs });
  console.log(`\nHandler CPU per call (${runs} calls each), and the call's time at each memory size\n`);
  console.log(memoryTable(figures));
  console.log(`\nNotes:\n${figures.notes.map((n) => `- ${n}`).join('\n')}`);
  process.exit(0);
}
