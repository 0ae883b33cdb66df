import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type StreamHandler,
  type StreamPoller,
  startStreamPoller,
  toLambdaRecord,
} from '../../../../infra/local/stream-poller.ts';

/**
 * The local event source mapping against a stream in memory that answers as DynamoDB Streams does:
 * shards with parents, iterators, closed shards without a next iterator.
 */

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/renfort/stream/2026-01-01T00:00:00.000';

interface FakeShard {
  id: string;
  parent?: string;
  records: StreamRecord[];
  closed: boolean;
}

let sequence = 0;
function outboxRecord(caseId: string, created = new Date()): StreamRecord {
  sequence += 1;
  const key = { pk: { S: `T#caf13#CASE#${caseId}` }, sk: { S: 'OUTBOX#000001#0' } };
  return {
    eventID: `e-${sequence}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: created,
      Keys: key,
      NewImage: { ...key, kind: { S: 'outbox' }, caseId: { S: caseId } },
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: 50,
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

function fakeStream(shards: FakeShard[]) {
  const calls: string[] = [];
  let expireNext = false;
  const send = async (command: unknown) => {
    if (command instanceof DescribeStreamCommand) {
      calls.push('DescribeStream');
      return {
        StreamDescription: {
          StreamArn: ARN,
          Shards: shards.map((s) => ({ ShardId: s.id, ...(s.parent && { ParentShardId: s.parent }) })),
        },
      };
    }
    if (command instanceof GetShardIteratorCommand) {
      const { ShardId, ShardIteratorType, SequenceNumber } = command.input;
      calls.push(`GetShardIterator ${ShardId} ${ShardIteratorType}`);
      const shard = shards.find((s) => s.id === ShardId) as FakeShard;
      const position =
        ShardIteratorType === 'AFTER_SEQUENCE_NUMBER'
          ? shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === SequenceNumber) + 1
          : 0;
      return { ShardIterator: `${ShardId}@${position}` };
    }
    if (command instanceof GetRecordsCommand) {
      if (expireNext) {
        expireNext = false;
        throw new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} });
      }
      const [id, at] = (command.input.ShardIterator ?? '').split('@');
      const shard = shards.find((s) => s.id === id) as FakeShard;
      const position = Number(at);
      const records = shard.records.slice(position, position + (command.input.Limit ?? 1000));
      const next = position + records.length;
      calls.push(`GetRecords ${id} ${records.length}`);
      return {
        Records: records,
        ...(!(shard.closed && next >= shard.records.length) && { NextShardIterator: `${id}@${next}` }),
      };
    }
    throw new Error(`unexpected ${String(command)}`);
  };
  const dynamodb = {
    send: async () => ({
      Table: {
        LatestStreamArn: ARN,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      },
    }),
  } as unknown as DynamoDBClient;
  return {
    dynamodb,
    streams: { send } as unknown as DynamoDBStreamsClient,
    calls,
    expireNextRead: () => {
      expireNext = true;
    },
  };
}

/** A handler that records each batch (by case) and fails the records `fails` names. */
function recordingHandler(fails: (caseId: string, call: number) => boolean | 'throw' = () => false) {
  const batches: string[][] = [];
  const handler: StreamHandler = async (event) => {
    const cases = event.Records.map((r) => r.dynamodb?.NewImage?.caseId?.S ?? '');
    batches.push(cases);
    const verdicts = event.Records.map((r, i) => ({ r, verdict: fails(cases[i] as string, batches.length) }));
    if (verdicts.some((v) => v.verdict === 'throw')) throw new Error('handler crashed');
    const response: DynamoDBBatchResponse = {
      batchItemFailures: verdicts
        .filter((v) => v.verdict === true)
        .map((v) => ({ itemIdentifier: v.r.dynamodb?.SequenceNumber as string })),
    };
    return response;
  };
  return { handler, batches, delivered: () => batches.flat() };
}

const until = async (condition: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const fast = { pollMs: 5, retryDelayMs: 1, maxRetryDelayMs: 4 };
let poller: StreamPoller | undefined;
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

describe('the local stream poller', () => {
  it('reads a closed shard to its end, then its children, in order', async () => {
    const shards: FakeShard[] = [
      { id: 'child', parent: 'parent', records: [outboxRecord('c3')], closed: false },
      { id: 'parent', records: [outboxRecord('c1'), outboxRecord('c2')], closed: true },
    ];
    const stream = fakeStream(shards);
    const handler = recordingHandler();
    poller = await startStreamPoller({ ...stream, tableName: 'renfort', handler: handler.handler, ...fast });
    await until(() => handler.delivered().length === 3);
    expect(handler.delivered()).toEqual(['c1', 'c2', 'c3']);
    // Records that arrive later in the open child are read too.
    (shards[0] as FakeShard).records.push(outboxRecord('c4'));
    await until(() => handler.delivered().length === 4);
    expect(stream.calls).toContain('GetShardIterator parent TRIM_HORIZON');
    expect(stream.calls).toContain('GetShardIterator child TRIM_HORIZON');
  });

  it('retries from the first failed record, puts it aside after 5 retries, and goes on with the others', async () => {
    const stream = fakeStream([
      {
        id: 's',
        records: [outboxRecord('good-1'), outboxRecord('poison'), outboxRecord('good-2')],
        closed: false,
      },
    ]);
    const handler = recordingHandler((caseId) => caseId === 'poison');
    const lines: string[] = [];
    poller = await startStreamPoller({
      ...stream,
      tableName: 'renfort',
      handler: handler.handler,
      log: (line) => lines.push(line),
      ...fast,
    });
    await until(() => handler.delivered().at(-1) === 'good-2' && handler.batches.length === 7);
    expect(handler.batches).toEqual([
      ['good-1', 'poison', 'good-2'],
      ...Array.from({ length: 5 }, () => ['poison', 'good-2']),
      ['good-2'],
    ]);
    expect(poller.deadLetters).toMatchObject([
      { caseId: 'poison', attempts: 6, sequenceNumber: expect.any(String) },
    ]);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`stream record ${poller.deadLetters[0]?.sequenceNumber} \\(case poison\\) failed 6 times`),
      ),
    ]);
    expect(poller.stats).toMatchObject({ invocations: 7, failedInvocations: 6 });
  });

  it('takes a thrown error as the failure of the whole batch, and a record that recovers is not put aside', async () => {
    const stream = fakeStream([{ id: 's', records: [outboxRecord('a'), outboxRecord('b')], closed: false }]);
    const handler = recordingHandler((_caseId, call) => (call <= 2 ? 'throw' : false));
    poller = await startStreamPoller({ ...stream, tableName: 'renfort', handler: handler.handler, ...fast });
    await until(() => handler.batches.length === 3);
    expect(handler.batches).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(poller.deadLetters).toEqual([]);
  });

  it('hands the handler batches of 10 at most, filtered first', async () => {
    const records = Array.from({ length: 25 }, (_, i) => outboxRecord(`c${i}`));
    const stream = fakeStream([{ id: 's', records, closed: false }]);
    const handler = recordingHandler();
    poller = await startStreamPoller({
      ...stream,
      tableName: 'renfort',
      handler: handler.handler,
      filter: (r: DynamoDBRecord) => Number(r.dynamodb?.NewImage?.caseId?.S?.slice(1)) % 2 === 0,
      ...fast,
    });
    await until(() => handler.delivered().length === 13);
    expect(handler.batches.map((b) => b.length)).toEqual([10, 3]);
    expect(poller.stats).toMatchObject({ read: 25, filteredOut: 12, processed: 13 });
  });

  it('passes over records written over a minute before it started (the sweep’s), and reads the recent ones', async () => {
    const old = outboxRecord('old', new Date(Date.now() - 10 * 60_000));
    const recent = outboxRecord('recent', new Date(Date.now() - 60_000));
    const stream = fakeStream([{ id: 's', records: [old, recent], closed: false }]);
    const handler = recordingHandler();
    poller = await startStreamPoller({ ...stream, tableName: 'renfort', handler: handler.handler, ...fast });
    await until(() => handler.delivered().length === 1);
    expect(handler.delivered()).toEqual(['recent']);
    expect(poller.stats.skippedOld).toBe(1);
  });

  it('takes a fresh iterator after the last record handled when its iterator expired', async () => {
    const shards: FakeShard[] = [{ id: 's', records: [outboxRecord('a')], closed: false }];
    const stream = fakeStream(shards);
    const handler = recordingHandler();
    poller = await startStreamPoller({ ...stream, tableName: 'renfort', handler: handler.handler, ...fast });
    await until(() => handler.delivered().length === 1);
    stream.expireNextRead();
    (shards[0] as FakeShard).records.push(outboxRecord('b'));
    await until(() => handler.delivered().length === 2);
    expect(handler.delivered()).toEqual(['a', 'b']);
    expect(stream.calls).toContain('GetShardIterator s AFTER_SEQUENCE_NUMBER');
  });

  it('stops at once, even while waiting to retry, and calls nothing more', async () => {
    const stream = fakeStream([{ id: 's', records: [outboxRecord('poison')], closed: false }]);
    const handler = recordingHandler(() => true);
    const running = await startStreamPoller({
      ...stream,
      tableName: 'renfort',
      handler: handler.handler,
      retryDelayMs: 60_000,
      maxRetryDelayMs: 60_000,
    });
    await until(() => handler.batches.length === 1);
    const started = performance.now();
    await running.stop();
    expect(performance.now() - started).toBeLessThan(100);
    expect(running.stopped).toBe(true);
    const calls = stream.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stream.calls.length).toBe(calls);
    expect(handler.batches).toHaveLength(1);
  });
});

describe('the records handed to the handler', () => {
  it('have the shape Lambda gives them', () => {
    const record = outboxRecord('c1', new Date('2026-03-01T10:15:00Z'));
    (record.dynamodb?.NewImage as Record<string, unknown>).blob = { B: new Uint8Array([1, 2, 3]) };
    const lambda = toLambdaRecord(record, ARN);
    expect(lambda).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: ARN,
      dynamodb: {
        ApproximateCreationDateTime: Date.parse('2026-03-01T10:15:00Z') / 1000,
        SequenceNumber: record.dynamodb?.SequenceNumber,
        StreamViewType: 'NEW_IMAGE',
      },
    });
    expect(lambda.dynamodb?.NewImage?.blob).toEqual({ B: 'AQID' });
    expect(lambda.dynamodb?.NewImage?.kind).toEqual({ S: 'outbox' });
  });
});
