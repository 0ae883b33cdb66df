import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { Role } from '../../shared/domain/caller.ts';
import type { Membership } from '../../shared/domain/membership.ts';
import { type CallerResolver, createCallerResolver, type JwtClaims } from '../../shared/http/claims.ts';
import type { HttpEvent } from '../../shared/http/http-handler.ts';

export const TEST_SUB = '2b1f6c2e-0000-4000-8000-000000000001';

/** Claims as API Gateway hands them over: only `sub` and `email` mean anything to Renfort. */
export function claimsFor(overrides: JwtClaims = {}): JwtClaims {
  return { sub: TEST_SUB, email: 'user@example.org', ...overrides };
}

/** A stored membership, enabled, in tenant caf13. */
export function membershipFor(
  role: Role,
  organisationId: string,
  overrides: Partial<Membership> = {},
): Membership {
  return {
    userId: TEST_SUB,
    email: `${role}@example.org`,
    tenant: 'caf13',
    role,
    organisationId,
    enabled: true,
    createdAt: '2026-11-01T08:00:00.000Z',
    updatedAt: '2026-11-01T08:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/**
 * Memberships of these actors as the default caller resolver reads them (GetItem on `USER#<sub>`),
 * for handler tests that mock the DynamoDB document client.
 */
export function mockMembershipsOf(
  dynamo: { on: (command: typeof GetCommand, input: object) => { resolves: (output: object) => unknown } },
  actors: { sub: string; role: Role; organisationId: string }[],
): void {
  for (const a of actors) {
    dynamo
      .on(GetCommand, { Key: { pk: `USER#${a.sub}`, sk: 'MEMBERSHIP' } })
      .resolves({ Item: membershipFor(a.role, a.organisationId, { userId: a.sub }) });
  }
}

/** A caller resolver over memberships held in memory (the table's stand-in in unit tests). */
export function resolverOver(...memberships: Membership[]): CallerResolver {
  const byId = new Map(memberships.map((m) => [m.userId, m]));
  return createCallerResolver(async (userId) => byId.get(userId));
}

/** A payload format 2.0 event, as API Gateway's HTTP API builds it. */
export function httpEvent({
  method = 'GET',
  path = '/',
  claims,
  body,
  isBase64Encoded = false,
  pathParameters,
  queryStringParameters,
  headers = {},
}: {
  method?: string;
  path?: string;
  claims?: JwtClaims;
  body?: string;
  isBase64Encoded?: boolean;
  pathParameters?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  headers?: Record<string, string>;
} = {}): HttpEvent {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded,
    pathParameters,
    queryStringParameters,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId: 'req-0001',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '23/Nov/2026:10:00:00 +0000',
      timeEpoch: 1795428000000,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: [] } },
    },
  } as HttpEvent;
}

export const lambdaContext = {
  awsRequestId: 'lambda-req-0001',
  functionName: 'renfort-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-3:123456789012:function:renfort-test',
  memoryLimitInMB: '512',
  logGroupName: '/aws/lambda/renfort-test',
  logStreamName: 'test',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} satisfies Context;
