import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type AttributeValue as StreamValue,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  AttributeValue as LambdaValue,
} from 'aws-lambda';

/**
 * The local stand-in for Lambda's DynamoDB event source mapping (infra/stacks/renfort-stack.ts:
 * TRIM_HORIZON, the outbox filter, batches of 10, partial-batch responses, 5 retries, then the
 * on-failure queue): it reads the table's stream on DynamoDB Local and hands batches to the same
 * handler Lambda runs. Records of a shard go in order; a reported failure (partial-batch response)
 * or a thrown error retries from the first failed record, with backoff (the batch not bisected);
 * when its retries are spent, the record is put aside (the local dead letters, as the on-failure
 * queue in AWS) and the shard moves on, so a poison record never holds up those behind it. A
 * shard is read to its end before its children.
 */

export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  handler: StreamHandler;
  /** The event source's filter: records it refuses are passed over (the handler never sees them). */
  filter?: (record: DynamoDBRecord) => boolean;
  /** One line per record put aside, and per change of read error; silent when absent. */
  log?: (line: string) => void;
  /** Pause between polls of a shard that had nothing new. */
  pollMs?: number;
  /** Retries of a failing record before it is put aside (after its first attempt), as `retryAttempts` in AWS. */
  retryAttempts?: number;
  /** First pause before a retry; doubled at each retry, at most `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Records per invocation at most (after the filter). */
  batchSize?: number;
  functionName?: string;
}

export interface DeadLetter {
  sequenceNumber: string;
  eventID: string | undefined;
  caseId: string | undefined;
  attempts: number;
  /** The handler's error when it threw; a partial-batch response gives no reason. */
  reason: string | undefined;
  at: string;
  record: DynamoDBRecord;
}

export interface StreamPollerStats {
  /** GetRecords calls. */
  polls: number;
  /** Stream records read. */
  read: number;
  /** Records written well before the poller started: the sweep's (see REPLAY_WINDOW_MS). */
  skippedOld: number;
  /** Records the filter passed over. */
  filteredOut: number;
  invocations: number;
  /** Invocations that threw or reported a failed record. */
  failedInvocations: number;
  /** Records the handler took without reporting them failed (a retried batch counts them again). */
  processed: number;
}

export interface StreamPoller {
  readonly streamArn: string;
  readonly stats: Readonly<StreamPollerStats>;
  readonly deadLetters: readonly DeadLetter[];
  readonly stopped: boolean;
  /** Stops polling and waits for the batch in hand to finish; no timer is left. */
  stop(): Promise<void>;
  /** Stops at once (for `process.on('exit')`): no further call, no timer left. */
  stopNow(): void;
}

/**
 * Where reading starts: TRIM_HORIZON, every record the stream still holds (24 hours in AWS; since
 * the table's creation on DynamoDB Local, across restarts), so that nothing written while the
 * stack starts, or between a restart's reading and writing, is missed, which LATEST would allow.
 * Records written more than a minute before the poller started are passed over rather than
 * replayed: a restart would otherwise dispatch a day of outbox items again. Dispatching twice is
 * harmless (each mail is recorded under its slot and sent under a claim, so the replay would only
 * cost reads), but nothing is lost by skipping them either: an item still pending then is older
 * than the sweep's minute, and the sweep (every 30 s locally) sends it. The stream's creation time
 * is rounded down to the minute, hence the extra minute in the comparison: a record is skipped only
 * if it was certainly written over REPLAY_WINDOW_MS before the start.
 */
export const REPLAY_WINDOW_MS = 60_000;
const CREATION_TIME_PRECISION_MS = 60_000;
/** Shards are listed again this often, besides whenever one ends (a closed shard has children). */
const DESCRIBE_EVERY_MS = 30_000;
const MAX_ERROR_DELAY_MS = 5_000;
/** Records per GetRecords (the API's maximum): the filter runs before records are batched. */
const READ_LIMIT = 1000;

export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const {
    dynamodb,
    streams,
    tableName,
    handler,
    filter = () => true,
    log,
    pollMs = 200,
    retryAttempts = 5,
    retryDelayMs = 100,
    maxRetryDelayMs = 1_000,
    batchSize = 10,
    functionName = 'renfort-mail-dispatch',
  } = options;
  const startedAt = Date.now();
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn || Table?.StreamSpecification?.StreamEnabled !== true) {
    throw new Error(`The table ${tableName} has no stream: the mail dispatcher cannot read it.`);
  }

  const stats: StreamPollerStats = {
    polls: 0,
    read: 0,
    skippedOld: 0,
    filteredOut: 0,
    invocations: 0,
    failedInvocations: 0,
    processed: 0,
  };
  const deadLetters: DeadLetter[] = [];
  interface ShardState {
    id: string;
    parentId: string | undefined;
    iterator: string | undefined;
    lastSequence: string | undefined;
    ended: boolean;
  }
  const shards = new Map<string, ShardState>();
  let describedAt = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let lastError: string | undefined;

  /** A pause that stop() cuts short: the only timer the poller ever holds. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      wake = () => {
        clearTimeout(timer);
        timer = undefined;
        wake = undefined;
        resolve();
      };
      timer = setTimeout(() => wake?.(), ms);
    });

  async function describeShards() {
    let start: string | undefined;
    const listed = new Set<string>();
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ...(start && { ExclusiveStartShardId: start }) }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId) continue;
        listed.add(shard.ShardId);
        if (!shards.has(shard.ShardId)) {
          shards.set(shard.ShardId, {
            id: shard.ShardId,
            parentId: shard.ParentShardId,
            iterator: undefined,
            lastSequence: undefined,
            ended: false,
          });
        }
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    // A shard the stream no longer lists was trimmed: nothing more can be read from it.
    for (const shard of shards.values()) if (!listed.has(shard.id)) shard.ended = true;
    describedAt = Date.now();
  }

  /** Shards to read now: not ended, and whose parent (if still known) has been read to its end. */
  const readable = () =>
    [...shards.values()].filter((s) => !s.ended && !(s.parentId && shards.get(s.parentId)?.ended === false));

  /** Reads one batch of a shard; true if it held records (then the next poll comes at once). */
  async function pollShard(shard: ShardState): Promise<boolean> {
    if (!shard.iterator) {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.id,
          ...(shard.lastSequence
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      shard.iterator = ShardIterator;
      if (!shard.iterator) {
        shard.ended = true;
        return false;
      }
    }
    let output: { Records?: StreamRecord[]; NextShardIterator?: string };
    try {
      stats.polls += 1;
      output = await streams.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: READ_LIMIT }),
      );
    } catch (error) {
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
        // A fresh iterator after the last record handled (or from the oldest one still kept).
        shard.iterator = undefined;
        if (error instanceof TrimmedDataAccessException) shard.lastSequence = undefined;
        return true;
      }
      throw error;
    }
    const records = output.Records ?? [];
    stats.read += records.length;
    await deliver(records);
    if (stopped) return false;
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) shard.lastSequence = last;
    shard.iterator = output.NextShardIterator;
    if (!shard.iterator) {
      // The shard is closed and read to its end: its children are listed now.
      shard.ended = true;
      describedAt = 0;
    }
    return records.length > 0;
  }

  /** The records read, in batches through the handler, with the event source's retries and dead letters. */
  async function deliver(records: StreamRecord[]) {
    const cutoff = startedAt - REPLAY_WINDOW_MS - CREATION_TIME_PRECISION_MS;
    let pending: DynamoDBRecord[] = [];
    for (const record of records) {
      const created = record.dynamodb?.ApproximateCreationDateTime;
      if (created && created.getTime() < cutoff) {
        stats.skippedOld += 1;
        continue;
      }
      const event = toLambdaRecord(record, streamArn as string);
      if (filter(event)) pending.push(event);
      else stats.filteredOut += 1;
    }
    // The first failed record, which every retry starts from, and its failed attempts.
    let head: string | undefined;
    let failures = 0;
    while (pending.length > 0 && !stopped) {
      const batch = pending.slice(0, batchSize);
      const { failedAt, reason } = await invoke(batch);
      if (failedAt < 0) {
        stats.processed += batch.length;
        pending = pending.slice(batch.length);
        continue;
      }
      stats.processed += failedAt;
      stats.failedInvocations += 1;
      // The checkpoint moves up to the first failed record; the next batch starts there.
      pending = pending.slice(failedAt);
      const first = sequenceOf(pending[0]);
      if (first !== head) {
        head = first;
        failures = 0;
      }
      failures += 1;
      if (failures > retryAttempts) {
        putAside(pending[0] as DynamoDBRecord, failures, reason);
        pending = pending.slice(1);
        continue;
      }
      await sleep(Math.min(retryDelayMs * 2 ** (failures - 1), maxRetryDelayMs));
    }
  }

  /** Calls the handler as Lambda would; returns the index of the first failed record, -1 if none. */
  async function invoke(batch: DynamoDBRecord[]): Promise<{ failedAt: number; reason?: string }> {
    stats.invocations += 1;
    try {
      const response = await handler({ Records: batch }, lambdaContext(functionName));
      const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (failed.size === 0) return { failedAt: -1 };
      const index = batch.findIndex((r) => failed.has(sequenceOf(r) ?? ''));
      // An identifier naming no record of the batch fails the whole batch, as it does in AWS.
      return { failedAt: Math.max(index, 0) };
    } catch (error) {
      // Powertools throws when every record failed: its first record error says why.
      const first = (error as { recordErrors?: unknown[] }).recordErrors?.[0];
      return { failedAt: 0, reason: messageOf(first ?? error) };
    }
  }

  function putAside(record: DynamoDBRecord, attempts: number, reason: string | undefined) {
    const caseId = caseIdOf(record);
    const sequenceNumber = sequenceOf(record) ?? '?';
    deadLetters.push({
      sequenceNumber,
      eventID: record.eventID,
      caseId,
      attempts,
      reason,
      at: new Date().toISOString(),
      record,
    });
    log?.(
      `Mail dispatcher: stream record ${sequenceNumber} (case ${caseId ?? 'unknown'}) failed ${attempts} times; ` +
        `put aside in the local dead letters and moved on${reason ? ` (${reason})` : ''}`,
    );
  }

  async function run() {
    let errors = 0;
    while (!stopped) {
      let busy = false;
      try {
        if (Date.now() - describedAt >= DESCRIBE_EVERY_MS) await describeShards();
        for (const shard of readable()) {
          if (stopped) break;
          busy = (await pollShard(shard)) || busy;
        }
        if (lastError !== undefined) log?.('Mail dispatcher: reading the stream again');
        lastError = undefined;
        errors = 0;
      } catch (error) {
        if (stopped) break;
        const message = messageOf(error);
        // One line per new error, not one per poll.
        if (message !== lastError) log?.(`Mail dispatcher: reading the stream failed (${message}); retrying`);
        lastError = message;
        errors += 1;
        describedAt = 0;
      }
      const pause = errors > 0 ? Math.min(pollMs * 2 ** errors, MAX_ERROR_DELAY_MS) : busy ? 0 : pollMs;
      await sleep(pause);
    }
  }

  await describeShards();
  const loop = run();

  return {
    streamArn,
    stats,
    deadLetters,
    get stopped() {
      return stopped;
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
    stopNow() {
      stopped = true;
      wake?.();
    },
  };
}

const sequenceOf = (record: DynamoDBRecord | undefined) => record?.dynamodb?.SequenceNumber;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The case an item belongs to: its `caseId`, else read from its key (`T#<tenant>#CASE#<id>`). */
function caseIdOf(record: DynamoDBRecord): string | undefined {
  const image = record.dynamodb?.NewImage ?? record.dynamodb?.Keys;
  return image?.caseId?.S ?? /#CASE#(.+)$/.exec(record.dynamodb?.Keys?.pk?.S ?? '')?.[1];
}

/** A record as the DynamoDB Streams API returns it, in the shape Lambda hands to a function. */
export function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb;
  const image = (values: Record<string, StreamValue> | undefined) =>
    values && Object.fromEntries(Object.entries(values).map(([name, value]) => [name, lambdaValue(value)]));
  const created = data?.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      // Lambda gives epoch seconds where the Streams API gives a date.
      ...(created && { ApproximateCreationDateTime: created.getTime() / 1000 }),
      ...(data?.Keys && { Keys: image(data.Keys) }),
      ...(data?.NewImage && { NewImage: image(data.NewImage) }),
      ...(data?.OldImage && { OldImage: image(data.OldImage) }),
      SequenceNumber: data?.SequenceNumber,
      SizeBytes: data?.SizeBytes,
      StreamViewType: data?.StreamViewType,
    },
  };
}

/** Lambda's JSON carries binary values in base64 where the SDK gives bytes. */
function lambdaValue(value: StreamValue): LambdaValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(lambdaValue) };
  if (value.M !== undefined) {
    return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, lambdaValue(v)])) };
  }
  return value as LambdaValue;
}

function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
