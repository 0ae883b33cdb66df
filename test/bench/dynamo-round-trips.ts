import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/** DynamoDB's JSON protocol names the operation of each request in this header. */
const TARGET_PREFIX = 'DynamoDB_20120810.';

/**
 * Counts the HTTP requests this process sends to DynamoDB, by operation (GetItem, Query,
 * TransactWriteItems…), whichever SDK client sends them: the handlers each build their own
 * client (`createDocumentClient()` makes a new one per call), so a middleware added to one
 * client would not see the others. Counting on the wire also counts the SDK's retries, and
 * paginated reads page by page: each count is one round trip.
 */
export function countDynamoRoundTrips() {
  let counts = new Map<string, number>();
  const onRequestStart = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const target = request.getHeader('x-amz-target');
    if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) return;
    const operation = target.slice(TARGET_PREFIX.length);
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
  };
  subscribe('http.client.request.start', onRequestStart);
  return {
    /** Starts counting from zero. */
    reset(): void {
      counts = new Map();
    },
    /** The counts since the last reset, by operation. */
    snapshot(): Record<string, number> {
      return Object.fromEntries(counts);
    },
    close(): void {
      unsubscribe('http.client.request.start', onRequestStart);
    },
  };
}
