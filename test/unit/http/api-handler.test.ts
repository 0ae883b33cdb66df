import { describe, expect, it } from 'vitest';
import { NotPossibleNowError, RuleViolationError } from '../../../shared/domain/errors.ts';
import * as z from '../../../shared/domain/zod.ts';
import { apiHandler } from '../../../shared/http/api-handler.ts';
import { MAX_BODY_BYTES, publicHandler } from '../../../shared/http/http-handler.ts';
import type { RouteSpec } from '../../../shared/http/routes.ts';
import { claimsFor, httpEvent, lambdaContext, membershipFor, resolverOver } from '../../helpers/events.ts';

const echoRoute = {
  operationId: 'echo',
  method: 'POST',
  path: '/things/{thingId}',
  auth: 'jwt',
  handler: 'unused',
  group: 'test',
  permissions: [],
  request: {
    params: z.object({ thingId: z.string().check(z.regex(/^t-\d+$/)) }),
    query: z.object({ limit: z.optional(z.coercedNumber().check(z.int(), z.gte(1), z.lte(100))) }),
    body: z.strictObject({ name: z.string().check(z.trim(), z.minLength(1)), count: z.int() }),
  },
  response: { status: 201 },
} as const satisfies RouteSpec;

const tilleuls = membershipFor('gestionnaire', 'cs-tilleuls');
const disabled = membershipFor('partenaire', 'etat', {
  userId: '2b1f6c2e-0000-4000-8000-000000000002',
  enabled: false,
});
const echo = apiHandler(
  echoRoute,
  async ({ caller, params, query, input }) => ({ body: { caller, params, query, body: input().body } }),
  { resolveCaller: resolverOver(tilleuls, disabled) },
);

const gestionnaire = claimsFor({ email: 'someone-else@example.org' });
const call = (event: Parameters<typeof echo>[0]) => echo(event, lambdaContext);
const valid = (overrides: Partial<Parameters<typeof httpEvent>[0]> = {}) =>
  httpEvent({
    method: 'POST',
    path: '/things/t-1',
    pathParameters: { thingId: 't-1' },
    claims: gestionnaire,
    body: JSON.stringify({ name: ' Tilleuls ', count: 2 }),
    ...overrides,
  });

function problemOf(result: Awaited<ReturnType<typeof call>>) {
  expect(result.headers?.['content-type']).toBe('application/problem+json');
  return JSON.parse(result.body ?? '');
}

describe('the middy stack', () => {
  it('hands the handler the caller (its membership) and its parsed input, and answers with the route status', async () => {
    const result = await call(valid({ queryStringParameters: { limit: '5' } }));
    expect(result.statusCode).toBe(201);
    expect(result.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(result.body ?? '')).toEqual({
      caller: {
        sub: tilleuls.userId,
        email: tilleuls.email,
        tenant: 'caf13',
        role: 'gestionnaire',
        organisationId: 'cs-tilleuls',
      },
      params: { thingId: 't-1' },
      query: { limit: 5 },
      body: { name: 'Tilleuls', count: 2 },
    });
  });

  it('reads a base64-encoded body as API Gateway sends non-text payloads', async () => {
    const body = Buffer.from(JSON.stringify({ name: 'x', count: 1 })).toString('base64');
    const result = await call(valid({ body, isBase64Encoded: true }));
    expect(result.statusCode).toBe(201);
  });

  it('answers 401 when no verified claims reached the handler', async () => {
    const result = await call(valid({ claims: {} }));
    expect(result.statusCode).toBe(401);
    expect(problemOf(result)).toMatchObject({ type: '/problems/unauthorized', status: 401 });
  });

  it('answers 403 to a verified user with no membership or a disabled one, whatever its token claims', async () => {
    for (const claims of [
      { sub: 'u-1', email: 'x@example.org' },
      claimsFor({ sub: disabled.userId }),
      claimsFor({
        sub: 'u-2',
        'cognito:groups': '[coordinateur]',
        'custom:tenant': 'caf13',
        'custom:organisationId': 'caf13-coordination',
      }),
    ]) {
      const result = await call(valid({ claims }));
      expect(result.statusCode, JSON.stringify(claims)).toBe(403);
      expect(problemOf(result).type).toBe('/problems/forbidden');
    }
  });

  it('takes role, organisation and tenant from the membership, never from claims that name others', async () => {
    const forged = claimsFor({
      'cognito:groups': '[coordinateur]',
      'custom:tenant': 'caf99',
      'custom:organisationId': 'cs-oliviers',
    });
    const result = await call(valid({ claims: forged }));
    expect(JSON.parse(result.body ?? '').caller).toMatchObject({
      role: 'gestionnaire',
      organisationId: 'cs-tilleuls',
      tenant: 'caf13',
    });
  });

  it('answers 404 for a path parameter that names nothing, before looking at the body', async () => {
    const result = await call(valid({ pathParameters: { thingId: '../etc' }, body: '{oops' }));
    expect(result.statusCode).toBe(404);
  });

  it('answers 400 naming the query field', async () => {
    const result = await call(valid({ queryStringParameters: { limit: '0' } }));
    expect(result.statusCode).toBe(400);
    expect(problemOf(result).errors).toEqual([{ path: 'query.limit', message: expect.any(String) }]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const result = await call(valid({ body: '{"name": "x",' }));
    expect(result.statusCode).toBe(400);
    expect(problemOf(result)).toMatchObject({ type: '/problems/malformed-body', status: 400 });
  });

  it('answers 400 with every field error: wrong type, empty text, unknown field, missing body', async () => {
    const result = await call(valid({ body: JSON.stringify({ name: '   ', count: 'two', extra: true }) }));
    expect(result.statusCode).toBe(400);
    const problem = problemOf(result);
    expect(problem.type).toBe('/problems/validation-error');
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body',
      'body.count',
      'body.name',
    ]);
    expect(problem.errors.find((e: { path: string }) => e.path === 'body').message).toMatch(/extra/);

    const missing = await call(valid({ body: undefined }));
    expect(missing.statusCode).toBe(400);
    expect(problemOf(missing).errors).toEqual([{ path: 'body', message: expect.any(String) }]);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const result = await call(
      valid({ body: JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES), count: 1 }) }),
    );
    expect(result.statusCode).toBe(413);
    expect(problemOf(result).type).toBe('/problems/payload-too-large');
  });

  it('maps each typed error to its status and keeps its detail', async () => {
    for (const [error, status, slug, title] of [
      [
        new NotPossibleNowError('Le dossier n’est plus en brouillon.'),
        409,
        'conflict',
        'Not possible in the current state',
      ],
      [
        new RuleViolationError('La fiche est incomplète.'),
        422,
        'unprocessable',
        'The request cannot be carried out',
      ],
    ] as const) {
      const failing = apiHandler(
        echoRoute,
        async () => {
          throw error;
        },
        { resolveCaller: resolverOver(tilleuls) },
      );
      const result = await failing(valid(), lambdaContext);
      expect(result.statusCode).toBe(status);
      expect(problemOf(result)).toEqual({
        type: `/problems/${slug}`,
        title,
        status,
        detail: error.message,
        instance: '/things/t-1',
      });
    }
  });

  it('answers an unexpected error with a bare 500: a correlation id, no message, no stack', async () => {
    const failing = apiHandler(
      echoRoute,
      async () => {
        throw new Error('secret table name renfort-prod and a stack');
      },
      { resolveCaller: resolverOver(tilleuls) },
    );
    const result = await failing(valid(), lambdaContext);
    expect(result.statusCode).toBe(500);
    const problem = problemOf(result);
    expect(problem).toEqual({
      type: '/problems/internal-error',
      title: 'Internal error',
      status: 500,
      detail: expect.stringContaining('req-0001'),
      correlationId: 'req-0001',
      instance: '/things/t-1',
    });
    expect(result.body).not.toMatch(/secret|stack|at /);
  });
});

describe('answers that stay small and uncached', () => {
  const listRoute = {
    ...echoRoute,
    operationId: 'list',
    path: '/lists',
    auth: 'none',
    request: { body: z.strictObject({ items: z.array(z.enum(['a', 'b'])) }) },
  } as const satisfies RouteSpec;
  const list = publicHandler(listRoute, async ({ input }) => ({ body: input().body }));
  const post = (body: string) => list(httpEvent({ method: 'POST', path: '/lists', body }), lambdaContext);

  it('answers 130,000 invalid items (260 KB) with a 400 of 20 errors, not a 500', async () => {
    const result = await post(JSON.stringify({ items: Array(130_000).fill(1) }));
    expect(result.statusCode).toBe(400);
    const problem = problemOf(result);
    expect(problem.errors).toHaveLength(20);
    expect(problem.detail).toMatch(/129980 more errors not listed/);
    expect(Buffer.byteLength(result.body ?? '')).toBeLessThan(64 * 1024);
  });

  it('answers 60,000 unknown keys with a detail of at most 500 characters', async () => {
    const keys = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 0]));
    const result = await post(JSON.stringify({ items: [], ...keys }));
    expect(result.statusCode).toBe(400);
    expect(problemOf(result).detail.length).toBeLessThanOrEqual(500);
    expect(Buffer.byteLength(result.body ?? '')).toBeLessThan(64 * 1024);
  });

  it('sends Cache-Control: no-store with every answer of a route that needs a token', async () => {
    const answers = [
      await call(valid()),
      await call(valid({ claims: {} })),
      await call(valid({ queryStringParameters: { limit: '0' } })),
      await apiHandler(echoRoute, async () => {
        throw new Error('unexpected');
      })(valid(), lambdaContext),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([201, 401, 400, 500]);
    for (const answer of answers) expect(answer.headers?.['cache-control']).toBe('no-store');
  });

  it('lets a public route be cached, but never its error answers', async () => {
    expect((await post('{"items":["a"]}')).headers?.['cache-control']).toBeUndefined();
    expect((await post('{"items":[1]}')).headers?.['cache-control']).toBe('no-store');
  });
});
