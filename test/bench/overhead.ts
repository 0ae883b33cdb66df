import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { decodeJwt } from 'jose';
import type { HttpEvent, HttpResult } from '../../shared/http/api-handler.ts';
import { httpEvent, lambdaContext } from '../helpers/events.ts';
import { COORDINATEUR, FICHE, GESTIONNAIRE, PARTENAIRE_CAF as PARTENAIRE } from './fixtures.ts';
import { localToken, startBenchStack } from './local-stack.ts';
import { formatSpread, type OperationFigures, type Sample, summarise, table } from './stats.ts';

/**
 * `tsx test/bench/overhead.ts [--runs N] [--json]`: what our handler stack (middy, zod, the
 * caller's membership, the access policy, the logger, the machine) costs over a raw-SDK handler
 * sending the same DynamoDB requests. Both are called in this process with the same API Gateway
 * HTTP API (v2) event, no HTTP in front: the real handler modules of functions/api/, and raw
 * handlers written here with @aws-sdk/lib-dynamodb. DynamoDB Local is the one of the bench's
 * local stack. Samples alternate real, raw, real, raw…, after a warm-up.
 */

// Set before the stack's modules load: the handlers' logger reads its level when it is created.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const DEFAULT_RUNS = 200;
export const DEFAULT_WARMUP = 20;
/** Ratio of the medians, real / raw, per route. */
export const TARGET_RATIO = 1.1;

const TENANT = 'caf13';

export class BenchFailure extends Error {
  override name = 'BenchFailure';
}

// biome-ignore lint/suspicious/noExplicitAny: the answers are read for a few fields only
type Answer = any;

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

interface TransactItem {
  Put?: { TableName: string; Item: Record<string, unknown>; [k: string]: unknown };
  [k: string]: unknown;
}

/** A short name per item of a transaction: `Put CASE`, `Put EVENT#`, `Put OUTBOX#`, `Delete VIEW#`… */
function itemNames(items: TransactItem[]): string[] {
  return items.map((item) => {
    const [kind, body] = Object.entries(item)[0] as [
      string,
      { Item?: { sk?: string }; Key?: { sk?: string } },
    ];
    const sk = String(body.Item?.sk ?? body.Key?.sk ?? '?');
    return `${kind} ${sk === 'CASE' ? 'CASE' : `${sk.split('#')[0]}#`}`;
  });
}

export interface RouteOverhead {
  route: string;
  real: OperationFigures;
  raw: OperationFigures;
  /** Median real / median raw. */
  ratio: number;
  /** Median real − median raw, ms. */
  overheadMs: number;
  met: boolean;
}

export interface OverheadFigures {
  date: string;
  runs: number;
  warmup: number;
  routes: RouteOverhead[];
  /** The items of the real GIVE_AVIS transaction, as captured and replayed. */
  transaction: string[];
  targetRatio: number;
  notes: string[];
}

export interface OverheadOptions {
  runs?: number;
  warmup?: number;
}

/**
 * The measure, on a stack of its own. Throws a BenchFailure when a setup request, a real handler or
 * a raw one answers other than expected, or when the real and raw samples did not make the same
 * DynamoDB requests.
 */
export async function measureOverhead({
  runs = DEFAULT_RUNS,
  warmup = DEFAULT_WARMUP,
}: OverheadOptions = {}): Promise<OverheadFigures> {
  const stack = await startBenchStack();
  try {
    const baseUrl = stack.url;
    const { flattenClaims } = await import('../../infra/local/jwt-verifier.ts');
    const { countRoundTrips } = await import('./round-trips.ts');
    const { createDocumentClient } = await import('../../shared/store/dynamo.ts');
    const keys = await import('../../shared/store/keys.ts');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } = await import(
      '@aws-sdk/lib-dynamodb'
    );
    const TABLE = stack.env.TABLE_NAME as string;

    const tokens = new Map<string, string>();
    for (const email of [GESTIONNAIRE, COORDINATEUR, PARTENAIRE]) {
      const token = await localToken(baseUrl, email).catch(() => undefined);
      if (typeof token !== 'string') throw new BenchFailure(`POST /_local/token for ${email} gave no token`);
      tokens.set(email, token);
    }
    const tokenOf = (email: string) => tokens.get(email) as string;
    // What the gateway hands a handler once the token is verified: its payload, flattened as API Gateway does.
    const claimsOf = (email: string) => flattenClaims(decodeJwt(tokenOf(email)));
    const api = async (
      step: string,
      expected: number,
      method: string,
      path: string,
      as: string,
      body?: unknown,
    ): Promise<Answer> => {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${tokenOf(as)}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status !== expected) {
        throw new BenchFailure(
          `${step}: ${method} ${path} → HTTP ${res.status} (expected ${expected}): ${text.slice(0, 500)}`,
        );
      }
      return text ? JSON.parse(text) : undefined;
    };
    /** A case of cs-tilleuls in saisine, its default partners consulted (caf13 among them). */
    const caseInSaisine = async () => {
      const created = await api('Create a case', 201, 'POST', '/cases', GESTIONNAIRE, {
        centreId: 'cs-tilleuls',
        fiche: FICHE,
      });
      await api('Submit the fiche', 200, 'POST', `/cases/${created.id}/events`, GESTIONNAIRE, {
        type: 'SUBMIT_FICHE',
      });
      await api('Open the saisine', 200, 'POST', `/cases/${created.id}/events`, COORDINATEUR, {
        type: 'OPEN_SAISINE',
      });
      return created.id as string;
    };
    const realCase = await caseInSaisine();
    const twinCase = await caseInSaisine();

    // The mail functions run in this process and would work on every outbox item both sides write:
    // stopped, so that the samples do not share the CPU with them (stack.stop() is fine with that).
    await Promise.all([stack.mail.poller.stop(), stack.mail.jobs.stop()]);

    const getCase = (await import('../../functions/api/get-case.handler.ts')).handler as unknown as Handler;
    const postEvent = (await import('../../functions/api/post-event.handler.ts'))
      .handler as unknown as Handler;

    /** The raw handlers' client, built as createDocumentClient() builds the handlers' one. */
    const raw: DynamoDBDocumentClient = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: stack.env.AWS_REGION as string,
        endpoint: stack.env.DYNAMODB_ENDPOINT as string,
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    const jsonResult = (body: unknown): HttpResult => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify(body),
    });

    /** (a') GET /cases/{caseId}: the GetItem of the case, its item answered as JSON. */
    const rawGetCase: Handler = async (event) => {
      const caseId = event.pathParameters?.caseId as string;
      const { Item } = await raw.send(
        new GetCommand({
          TableName: TABLE,
          Key: { pk: keys.casePk(TENANT, caseId), sk: keys.caseSk },
          ConsistentRead: true,
        }),
      );
      if (!Item) return { statusCode: 404, body: '' };
      return jsonResult(Item);
    };

    // The real GIVE_AVIS transaction, captured once on the handlers' shared client, then replayed by (b').
    const shared = createDocumentClient();
    let captured: TransactItem[] | undefined;
    const CAPTURE = 'benchCaptureTransaction';
    shared.middlewareStack.add(
      (next, context) => async (args) => {
        if (!captured && context.commandName === 'TransactWriteItemsCommand') {
          captured = structuredClone((args.input as { TransactItems: TransactItem[] }).TransactItems);
        }
        return next(args);
      },
      { step: 'initialize', name: CAPTURE },
    );

    const avisOf = (n: number) => (n % 2 === 0 ? 'favorable' : 'defavorable');
    const getEvent = (caseId: string) =>
      httpEvent({
        path: `/cases/${caseId}`,
        pathParameters: { caseId },
        claims: claimsOf(COORDINATEUR),
        headers: { authorization: `Bearer ${tokenOf(COORDINATEUR)}` },
      });
    const postEventOf = (caseId: string, n: number) =>
      httpEvent({
        method: 'POST',
        path: `/cases/${caseId}/events`,
        pathParameters: { caseId },
        claims: claimsOf(PARTENAIRE),
        headers: { authorization: `Bearer ${tokenOf(PARTENAIRE)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'GIVE_AVIS', avis: avisOf(n) }),
      });

    // One real GIVE_AVIS, untimed, for the transaction to replay.
    const first = await postEvent(postEventOf(realCase, 1), lambdaContext);
    if (first.statusCode !== 200)
      throw new BenchFailure(`The real GIVE_AVIS → ${first.statusCode}: ${first.body}`);
    shared.middlewareStack.remove(CAPTURE);
    if (!captured) throw new BenchFailure('No TransactWriteItems was seen on the handlers’ document client');
    // The same items on the twin case: its id wherever the real case's appears.
    const template = JSON.parse(JSON.stringify(captured).replaceAll(realCase, twinCase)) as TransactItem[];
    const names = itemNames(template);
    const partenaireId = 'caf13';

    /**
     * (b') POST /cases/{caseId}/events: the GetItem of the case, then the captured transaction on
     * it: the case under a version condition bumped from the one read, its history event and
     * outbox items at the next sequence number, the avis sent in the case's avis.
     */
    const rawPostEvent: Handler = async (event) => {
      const caseId = event.pathParameters?.caseId as string;
      const body = JSON.parse(event.body ?? '{}') as { avis: string };
      const { Item } = await raw.send(
        new GetCommand({
          TableName: TABLE,
          Key: { pk: keys.casePk(TENANT, caseId), sk: keys.caseSk },
          ConsistentRead: true,
        }),
      );
      if (!Item) return { statusCode: 404, body: '' };
      const version = Item.version as number;
      const seq = version + 1;
      const at = new Date().toISOString();
      let record: Record<string, unknown> = {};
      const items = template.map((item): TransactItem => {
        const put = item.Put;
        const sk = put?.Item.sk as string | undefined;
        if (!put || sk === undefined) return item;
        if (sk === keys.caseSk) {
          const context = put.Item.context as { avis: Record<string, unknown> };
          record = {
            ...put.Item,
            version: seq,
            updatedAt: at,
            context: { ...context, avis: { ...context.avis, [partenaireId]: { avis: body.avis, at } } },
          };
          return { Put: { ...put, Item: record, ExpressionAttributeValues: { ':expected': version } } };
        }
        if (sk.startsWith(keys.eventPrefix)) {
          return { Put: { ...put, Item: { ...put.Item, sk: keys.eventSk(seq), seq, at } } };
        }
        if (sk.startsWith('OUTBOX#')) {
          const index = put.Item.index as number;
          return {
            Put: {
              ...put,
              Item: {
                ...put.Item,
                sk: keys.outboxSk(seq, index),
                seq,
                createdAt: at,
                gsi1sk: `${at}#${caseId}#${seq}#${index}`,
              },
            },
          };
        }
        return item;
      });
      await raw.send(new TransactWriteCommand({ TransactItems: items as never }));
      return jsonResult(record);
    };

    const counter = countRoundTrips({ s3Port: Number(new URL(stack.endpoints.s3).port) });
    /** One call, timed from the call to the settled result, its DynamoDB round trips counted. */
    const sample = async (what: string, handler: Handler, event: HttpEvent): Promise<Sample> => {
      counter.reset();
      const started = performance.now();
      const result = await handler(event, lambdaContext);
      const ms = performance.now() - started;
      if (result.statusCode !== 200) {
        throw new BenchFailure(`${what} → ${result.statusCode}: ${String(result.body).slice(0, 500)}`);
      }
      const { dynamodb, s3 } = counter.snapshot();
      return { ms, roundTrips: dynamodb, s3 };
    };

    const measureRoute = async (
      route: string,
      real: () => Promise<Sample>,
      rawCall: () => Promise<Sample>,
    ): Promise<RouteOverhead> => {
      for (let n = 0; n < warmup; n++) {
        await real();
        await rawCall();
      }
      const realSamples: Sample[] = [];
      const rawSamples: Sample[] = [];
      for (let n = 0; n < runs; n++) {
        realSamples.push(await real());
        rawSamples.push(await rawCall());
      }
      const realFigures = summarise(`${route} (real handler)`, realSamples);
      const rawFigures = summarise(`${route} (raw SDK)`, rawSamples);
      const ratio = Math.round((realFigures.latencyMs.p50 / rawFigures.latencyMs.p50) * 100) / 100;
      return {
        route,
        real: realFigures,
        raw: rawFigures,
        ratio,
        overheadMs: Math.round((realFigures.latencyMs.p50 - rawFigures.latencyMs.p50) * 10) / 10,
        met: ratio <= TARGET_RATIO,
      };
    };

    const results: RouteOverhead[] = [];
    try {
      results.push(
        await measureRoute(
          'GET /cases/{caseId}',
          () => sample('real GET /cases/{caseId}', getCase, getEvent(realCase)),
          () => sample('raw GET /cases/{caseId}', rawGetCase, getEvent(twinCase)),
        ),
      );
      let n = 1;
      results.push(
        await measureRoute(
          'POST /cases/{caseId}/events GIVE_AVIS',
          () => sample('real GIVE_AVIS', postEvent, postEventOf(realCase, ++n)),
          () => sample('raw GIVE_AVIS', rawPostEvent, postEventOf(twinCase, n)),
        ),
      );
    } finally {
      counter.close();
    }

    // Both sides must have made the same DynamoDB requests (a membership refresh aside: see the notes).
    const opsOf = (f: OperationFigures) =>
      Object.fromEntries(Object.entries(f.byOperation).map(([op, s]) => [op, s.min]));
    for (const r of results) {
      const real = JSON.stringify(opsOf(r.real));
      const rawOps = JSON.stringify(opsOf(r.raw));
      if (real !== rawOps) {
        throw new BenchFailure(
          `${r.route}: the real handler made ${real} DynamoDB requests at least, the raw one ${rawOps}`,
        );
      }
    }
    const rawPost = results[1]?.raw;
    const read = await api('Read the twin case', 200, 'GET', `/cases/${twinCase}`, COORDINATEUR);
    if (rawPost && read.version !== 3 + rawPost.n + warmup) {
      throw new BenchFailure(
        `The twin case is at version ${read.version}, not ${3 + rawPost.n + warmup}: a raw transaction was lost`,
      );
    }

    return {
      date: new Date().toISOString(),
      runs,
      warmup,
      routes: results,
      transaction: names,
      targetRatio: TARGET_RATIO,
      notes: [
        'Both sides are called in this process, with no HTTP: the real handler module of functions/api/ (its exported handler: middy, logger, caller from the claims and its membership, zod, the access policy, the machine, the repository) and a raw handler written with @aws-sdk/lib-dynamodb on a client of its own configured alike. Time: from the call to its settled result.',
        'The event is the API Gateway HTTP API v2.0 event the local gateway builds: routeKey, rawPath, pathParameters, headers, body, requestContext.authorizer.jwt.claims (the local token’s payload, flattened as API Gateway does; no signature check on either side).',
        `GET: the coordinateur reads a case in saisine. Real: get-case.handler; raw (a'): GetItem of the case item, ConsistentRead, then JSON.stringify of the item into a 200.`,
        `POST: avs@caf13 (partenaire caf13) sends GIVE_AVIS, favorable and defavorable in turn so each is a change. Real: post-event.handler. Raw (b'): GetItem of a twin case (another case in saisine, created alike) then one TransactWriteItems replaying the real one, captured once on the handlers' shared client (${names.join(', ')}): version condition on the version read, history event and outbox at the next sequence number, the avis set in the case's avis; then JSON.stringify of the case item into a 200.`,
        `Samples alternate real, raw, real, raw…: ${warmup} untimed pairs per route first (module loads, the membership and referentiel caches, the JIT), then ${runs} timed pairs. Median = p50 (nearest rank); ratio = median real / median raw (target ≤ ${TARGET_RATIO.toFixed(2)}).`,
        'Round trips are counted on the wire for both sides and must match; the caller’s membership is cached 60 s per container, so a route that lasts longer than that shows one more GetItem on one real sample (the DynamoDB column then reads as a range).',
        'The mail dispatcher and the mail jobs of the stack are stopped before the samples: both sides write outbox items and the dispatcher would otherwise send their mails in this process meanwhile. DynamoDB Local (Java) shares the 2 cores with this process.',
      ],
    };
  } finally {
    await stack.stop();
  }
}

export function printOverhead(f: OverheadFigures): void {
  console.log(
    `\nHandler overhead: real handler vs raw SDK, ${f.runs} interleaved pairs per route after ${f.warmup} warm-up pairs (${f.date})\n`,
  );
  const ops = (fig: OperationFigures) =>
    Object.entries(fig.byOperation)
      .map(([op, s]) => `${op} ${formatSpread(s)}`)
      .join(', ');
  console.log(
    table(
      ['Route', 'side', 'n', 'DynamoDB', 'median ms', 'p95 ms', 'max ms', 'ratio', 'target'],
      f.routes.flatMap((r) => [
        [
          r.route,
          'real',
          String(r.real.n),
          ops(r.real),
          r.real.latencyMs.p50.toFixed(2),
          r.real.latencyMs.p95.toFixed(2),
          r.real.latencyMs.max.toFixed(1),
          r.ratio.toFixed(2),
          `≤ ${f.targetRatio.toFixed(2)} ${r.met ? 'met' : 'not met'}`,
        ],
        [
          '',
          'raw',
          String(r.raw.n),
          ops(r.raw),
          r.raw.latencyMs.p50.toFixed(2),
          r.raw.latencyMs.p95.toFixed(2),
          r.raw.latencyMs.max.toFixed(1),
          '',
          '',
        ],
      ]),
      [false, false, true, false, true, true, true, true, false],
    ),
  );
  for (const r of f.routes) console.log(`  ${r.route}: median overhead ${r.overheadMs.toFixed(1)} ms`);
  console.log(`\nNotes:\n${f.notes.map((n) => `- ${n}`).join('\n')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: String(DEFAULT_RUNS) },
      warmup: { type: 'string', default: String(DEFAULT_WARMUP) },
      json: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup) || warmup < 0) {
    console.error(
      `--runs expects a positive whole number and --warmup a whole number, not ${values.runs} and ${values.warmup}`,
    );
    process.exit(2);
  }
  let exitCode = 0;
  try {
    const figures = await measureOverhead({ runs, warmup });
    printOverhead(figures);
    if (values.json) console.log(JSON.stringify(figures, null, 2));
  } catch (error) {
    exitCode = 1;
    console.error(`\nThe overhead bench failed: ${error instanceof BenchFailure ? error.message : error}`);
    if (!(error instanceof BenchFailure)) console.error(error);
  }
  process.exit(exitCode);
}
