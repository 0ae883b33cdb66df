import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** DynamoDB's JSON protocol names the operation of each request in this header. */
const TARGET_PREFIX = 'DynamoDB_20120810.';

/** A GetItem of the caller's membership: who the caller is, not what it asked. */
export const MEMBERSHIP_READ = 'GetItem (membership)';
const MEMBERSHIP_HEADER = 'x-bench-membership-read';

/**
 * Marks the requests of a DynamoDB client that read a membership (a GetItem of `USER#<sub>` /
 * `MEMBERSHIP`), so that the wire counter tells them apart: a header added before signing
 * (DynamoDB Local ignores it). The bench runs the handlers in its own process, so it can reach the
 * client they share. With `callerSub`, only the caller's own membership is marked: the read of
 * another user's membership (PATCH /admin/users/{userId}) is the route's, and a user's
 * preferences (`USER#<sub>` / `PREFERENCES`) are never a membership read.
 */
export function markMembershipReads(
  client: DynamoDBDocumentClient,
  callerSub?: () => string | undefined,
): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const { input, request } = args as {
        input: { Key?: { pk?: unknown; sk?: unknown } };
        request: { headers?: Record<string, string> };
      };
      if (request.headers && isMembershipRead(input.Key, callerSub?.())) {
        request.headers[MEMBERSHIP_HEADER] = '1';
      }
      return next(args);
    },
    { step: 'build', name: 'benchMembershipReads' },
  );
}

/** A string attribute, plain (`'x'`) or marshalled (`{ S: 'x' }`, as the middleware sees it). */
const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof (value as { S?: unknown } | undefined)?.S === 'string'
      ? (value as { S: string }).S
      : undefined;

/** A GetItem key of a membership; of this caller's when `callerSub` is given. */
export function isMembershipRead(
  key: { pk?: unknown; sk?: unknown } | undefined,
  callerSub?: string,
): boolean {
  const pk = stringOf(key?.pk);
  if (stringOf(key?.sk) !== 'MEMBERSHIP' || !pk?.startsWith('USER#')) return false;
  return callerSub === undefined || pk === `USER#${callerSub}`;
}

/** DynamoDB operations that read, and that write (a membership read counted apart, as neither). */
export const READ_OPERATIONS = ['GetItem', 'BatchGetItem', 'TransactGetItems', 'Query', 'Scan'];
export const WRITE_OPERATIONS = [
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
];

/** A request's own DynamoDB round trips (membership reads apart), its reads and its writes. */
export function ownRoundTrips(counts: Record<string, number>) {
  const sum = (ops: string[]) => ops.reduce((n, op) => n + (counts[op] ?? 0), 0);
  const total = Object.entries(counts)
    .filter(([op]) => op !== MEMBERSHIP_READ)
    .reduce((n, [, c]) => n + c, 0);
  return { total, reads: sum(READ_OPERATIONS), writes: sum(WRITE_OPERATIONS) };
}

export interface RoundTrips {
  /** DynamoDB requests, by operation (GetItem, Query, TransactWriteItems…). */
  dynamodb: Record<string, number>;
  /** S3 requests, by operation (HeadObject, GetObject, DeleteObject…). */
  s3: Record<string, number>;
}

/**
 * The S3 operation of a request. The SDK names most object operations in the `x-id` query
 * parameter (`?x-id=GetObject`); the others are told by their method, on an object key
 * (path style: `/bucket/key`) or on the bucket itself.
 */
export function s3Operation(method: string, path: string): string {
  const url = new URL(path, 'http://s3.invalid');
  const named = url.searchParams.get('x-id');
  if (named) return named;
  const onObject = url.pathname.split('/').filter(Boolean).length > 1;
  const verb = method.toUpperCase();
  if (onObject) {
    const byVerb: Record<string, string> = {
      HEAD: 'HeadObject',
      GET: 'GetObject',
      PUT: 'PutObject',
      DELETE: 'DeleteObject',
    };
    return byVerb[verb] ?? `${verb} object`;
  }
  if (verb === 'POST' && url.searchParams.has('delete')) return 'DeleteObjects';
  const byVerb: Record<string, string> = {
    HEAD: 'HeadBucket',
    GET: 'ListObjects',
    PUT: 'CreateBucket',
    POST: 'PostObject',
    DELETE: 'DeleteBucket',
  };
  return byVerb[verb] ?? `${verb} bucket`;
}

/**
 * Counts the HTTP requests this process sends to DynamoDB and to S3, by operation, whichever SDK
 * client sends them (the handlers' composition root builds its own clients, out of reach of a
 * middleware added to ours). Counting on the wire also counts the SDK's retries, and paginated
 * reads page by page: each count is one round trip.
 *
 * DynamoDB requests are told by their `X-Amz-Target` header; S3 requests by their destination,
 * the emulator's port. Only `node:http` requests are seen: the SDK's, not the bench's own `fetch`
 * (undici), so the client's upload to and download from storage are not counted here.
 */
export function countRoundTrips({ s3Port }: { s3Port: number }) {
  let dynamodb = new Map<string, number>();
  let s3 = new Map<string, number>();
  const add = (counts: Map<string, number>, operation: string) =>
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
  const onRequestStart = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const target = request.getHeader('x-amz-target');
    if (typeof target === 'string' && target.startsWith(TARGET_PREFIX)) {
      const membership = request.getHeader(MEMBERSHIP_HEADER) !== undefined;
      add(dynamodb, membership ? MEMBERSHIP_READ : target.slice(TARGET_PREFIX.length));
      return;
    }
    const host = request.getHeader('host');
    if (typeof host === 'string' && host.endsWith(`:${s3Port}`)) {
      add(s3, s3Operation(request.method, request.path));
    }
  };
  subscribe('http.client.request.start', onRequestStart);
  return {
    /** Starts counting from zero. */
    reset(): void {
      dynamodb = new Map();
      s3 = new Map();
    },
    /** The counts since the last reset, by service and operation. */
    snapshot(): RoundTrips {
      return { dynamodb: Object.fromEntries(dynamodb), s3: Object.fromEntries(s3) };
    },
    close(): void {
      unsubscribe('http.client.request.start', onRequestStart);
    },
  };
}
