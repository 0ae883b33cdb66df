import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CaseChange } from '../../../shared/cases/ports.ts';
import type { CaseRecord } from '../../../shared/domain/case.ts';
import { ServiceUnavailableError } from '../../../shared/domain/errors.ts';
import { chainEvent, GENESIS_HASH } from '../../../shared/domain/history-chain.ts';
import { createCaseRepository } from '../../../shared/store/case-repository.ts';
import { startCase } from '../../../workflows/case-workflow.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
/** The repository's clock: 2026-11-23T10:00:00Z, 1795428000 in seconds. */
const NOW = new Date('2026-11-23T10:00:00.000Z');
const repository = createCaseRepository(
  DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-3' })),
  'renfort-test',
  () => NOW,
);

function change(withKey: boolean): CaseChange {
  const at = '2026-11-23T10:00:00.000Z';
  const event = chainEvent({
    seq: 2,
    type: 'SUBMIT_FICHE',
    at,
    actor: { sub: 'u', role: 'gestionnaire', organisationId: 'cs-tilleuls' },
    payload: {},
    prevHash: GENESIS_HASH,
  });
  const record: CaseRecord = {
    ...startCase({ centreId: 'cs-tilleuls', fiche: {} }),
    id: 'c-01m8428hzkj8dgt2y2aj56ddcm',
    tenant: 'caf13',
    centreId: 'cs-tilleuls',
    version: 2,
    createdAt: at,
    updatedAt: at,
    headHash: event.hash,
  };
  return {
    record,
    expectedVersion: 1,
    previousStatus: 'brouillon',
    event,
    notifications: [{ template: 'SUBMIT_FICHE', to: ['coordination'] }],
    viewersBefore: ['org#cs-tilleuls'],
    viewersAfter: ['org#cs-tilleuls'],
    ...(withKey && {
      idempotency: { sub: 'u', key: 'k-1', answer: { requestHash: 'h', body: {} }, expiresAt: 1 },
    }),
  };
}

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('the case repository commit', () => {
  beforeEach(() => dynamo.reset());

  it('writes the case under its version, the event once, the outbox and the listing in one transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    expect(await repository.commit(change(false))).toEqual({ outcome: 'committed' });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((i) => Object.keys(i)[0])).toEqual(['Put', 'Put', 'Put']);
    expect(items[0]?.Put).toMatchObject({
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': 1 },
    });
    expect(items[1]?.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)' });
    expect(items[2]?.Put?.Item).toMatchObject({
      sk: 'OUTBOX#000002#0',
      notification: { template: 'SUBMIT_FICHE', to: ['coordination'] },
      authorSub: expect.any(String),
      facts: { caseId: expect.any(String), status: expect.any(String) },
    });
  });

  it('takes a lost race for a version conflict, whether DynamoDB says ConditionalCheckFailed or TransactionConflict', async () => {
    for (const codes of [
      ['ConditionalCheckFailed', 'None', 'None'],
      ['TransactionConflict', 'None', 'None'],
      ['None', 'TransactionConflict', 'None'],
    ]) {
      dynamo.reset();
      dynamo.on(TransactWriteCommand).rejects(cancelled(...codes));
      expect(await repository.commit(change(false)), codes.join()).toEqual({ outcome: 'version-conflict' });
    }
  });

  it('tells an idempotency record already there from a version conflict, and lets an expired one be replaced', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'None', 'ConditionalCheckFailed'));
    expect(await repository.commit(change(true))).toEqual({ outcome: 'idempotency-conflict' });
    const put = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.at(-1)?.Put;
    expect(put?.ConditionExpression).toBe('attribute_not_exists(pk) OR #expires < :now');
    expect(put?.ExpressionAttributeNames).toEqual({ '#expires': 'expiresAt' });
  });

  it('tells an expired idempotency record by the clock it is given, when writing and when reading', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await repository.commit(change(true));
    const put = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.at(-1)?.Put;
    expect(put?.ExpressionAttributeValues).toEqual({ ':now': NOW.getTime() / 1000 });

    const stored = (expiresAt: number) => ({
      Item: { pk: 'T#caf13#IDEM#u#k-1', sk: 'IDEM', requestHash: 'h', body: { id: 'c-1' }, expiresAt },
    });
    dynamo.on(GetCommand).resolves(stored(NOW.getTime() / 1000 + 1));
    expect(await repository.idempotentAnswer('caf13', 'u', 'k-1')).toEqual({
      requestHash: 'h',
      body: { id: 'c-1' },
    });
    dynamo.on(GetCommand).resolves(stored(NOW.getTime() / 1000 - 1));
    expect(await repository.idempotentAnswer('caf13', 'u', 'k-1')).toBeUndefined();
  });

  it('lets any other failure through, to become a 500 with a correlation id', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('ValidationError', 'None', 'None'));
    await expect(repository.commit(change(false))).rejects.toThrow(TransactionCanceledException);
  });
});

describe('reading a case with what a change needs', () => {
  beforeEach(() => dynamo.reset());
  const key = { pk: 'T#caf13#CASE#c-1', sk: 'CASE' };

  it('asks again for the keys DynamoDB left unprocessed, then answers with everything', async () => {
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { 'renfort-test': [] },
        UnprocessedKeys: { 'renfort-test': { Keys: [key] } },
      })
      .resolves({ Responses: { 'renfort-test': [{ ...key, kind: 'case', id: 'c-1', version: 3 }] } });

    const read = await repository.getWith('caf13', 'c-1', { documentId: 'd-1' });

    expect(read.record).toMatchObject({ id: 'c-1', version: 3 });
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(2);
  });

  it('gives up with a 503 when DynamoDB keeps leaving keys unprocessed, after five calls', async () => {
    dynamo
      .on(BatchGetCommand)
      .resolves({ Responses: { 'renfort-test': [] }, UnprocessedKeys: { 'renfort-test': { Keys: [key] } } });

    await expect(repository.getWith('caf13', 'c-1', { documentId: 'd-1' })).rejects.toThrow(
      ServiceUnavailableError,
    );
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(5);
  });
});
