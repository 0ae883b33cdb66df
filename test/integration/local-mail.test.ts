import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parisEightOn } from '../../infra/local/mail-jobs.ts';
import { ensureTable } from '../../infra/local/provision.ts';
import { LOCAL_TABLE, localClients } from '../../infra/local/stack.ts';
import { type StreamHandler, startStreamPoller } from '../../infra/local/stream-poller.ts';
import { addDays } from '../../shared/domain/delais.ts';
import { createMailRepository } from '../../shared/store/mail-repository.ts';
import { TABLE_INDEXES } from '../../shared/store/table.ts';
import { apiClient } from '../helpers/api.ts';
import { caseIn, send, USERS } from '../helpers/cases.ts';
import { storedMailsOf } from '../helpers/ses-store.ts';

/**
 * The mail side of the local stack (DESIGN.md §6, §7): the dispatcher on DynamoDB Local's stream,
 * with the event source's retries and dead letters; POST /_local/daily-job; and a stop that leaves
 * nothing running.
 */

const api = apiClient();
const endpoints = inject('endpoints');
const repoRoot = join(import.meta.dirname, '..', '..');

const mailsOf = (caseId: string) => storedMailsOf(endpoints.ses, caseId);

/** Polls the SES emulator until mails of the case reach each of `to`; their delay from `since`. */
async function awaitMails(caseId: string, to: string[], since: number, timeoutMs: number) {
  for (;;) {
    const mails = await mailsOf(caseId);
    const reached = to.every((address) => mails.some((m) => m.destination.to.includes(address)));
    const elapsed = performance.now() - since;
    if (reached) return { mails, elapsed };
    if (elapsed > timeoutMs) return { mails, elapsed };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function until(condition: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('the table’s stream', () => {
  const { dynamodb } = localClients(endpoints);
  const tables: string[] = [];
  afterAll(() =>
    Promise.all(tables.map((TableName) => dynamodb.send(new DeleteTableCommand({ TableName })))),
  );

  it.each<[string, StreamViewType | undefined]>([
    ['without a stream', undefined],
    ['whose stream holds keys only', 'KEYS_ONLY'],
  ])('is added to a table made %s, with new images, and left alone after', async (_name, viewType) => {
    const TableName = `renfort-stream-${viewType ?? 'none'}-${Date.now()}`;
    tables.push(TableName);
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        // The table as it was before the dispatcher: its indexes, no stream (or another one).
        AttributeDefinitions: ['pk', 'sk', ...TABLE_INDEXES.flatMap((i) => [i.partitionKey, i.sortKey])].map(
          (AttributeName) => ({ AttributeName, AttributeType: 'S' }),
        ),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_INDEXES.map((i) => ({
          IndexName: i.indexName,
          KeySchema: [
            { AttributeName: i.partitionKey, KeyType: 'HASH' },
            { AttributeName: i.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        ...(viewType && { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } }),
      }),
    );
    expect(await ensureTable(dynamodb, TableName)).toBe('updated');
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(Table?.LatestStreamArn).toBeTruthy();
    expect(await ensureTable(dynamodb, TableName)).toBe('present');
  });

  it('is on the stack’s table', async () => {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  });
});

describe('the mail dispatcher on DynamoDB Local’s stream', () => {
  it('sends a change’s mails to the SES emulator within 2 seconds', async () => {
    const facts = await caseIn(api, 'brouillon', 'cs-tilleuls');
    await send(api, USERS.tilleuls, facts.id, { type: 'SUBMIT_FICHE' });
    const committed = performance.now();
    const { mails, elapsed } = await awaitMails(
      facts.id,
      [USERS.coordination, USERS.tilleuls],
      committed,
      2000,
    );
    const to = mails.flatMap((m) => m.destination.to);
    expect(to).toContain(USERS.coordination);
    expect(to).toContain(USERS.tilleuls);
    expect(elapsed).toBeLessThan(2000);
    for (const mail of mails) expect(mail.subject).toContain('Centre social Les Tilleuls');
  });

  describe('with a poison outbox item in the stream', () => {
    const { db, dynamodb, streams } = localClients(endpoints);
    const poisonId = `c-poison-${Date.now()}`;
    const poisonKey = { pk: `T#caf13#CASE#${poisonId}`, sk: 'OUTBOX#000001#0' };
    // Removed after the test: the sweep would meet it once it is a minute old.
    afterAll(() => db.send(new DeleteCommand({ TableName: LOCAL_TABLE, Key: poisonKey })));

    it('puts it aside after its retries and still sends the mails written after it', async () => {
      // This file's own poller, beside the stack's, so that its dead letters can be read: the same
      // handler on the same stream, restricted to this test's two cases (dispatching twice is
      // harmless: each mail is recorded once and sent under a claim).
      Object.assign(process.env, inject('env'));
      const [{ notifyDeps }, { isNewOutboxItem, streamHandlerOf }] = await Promise.all([
        import('../../functions/mail/notify-deps.ts'),
        import('../../functions/mail/stream.ts'),
      ]);
      const good = await caseIn(api, 'brouillon', 'cs-tilleuls');
      const ours = new Set([poisonId, good.id]);
      const caseOf = (r: DynamoDBRecord) => r.dynamodb?.NewImage?.caseId?.S ?? '';
      const real = streamHandlerOf(notifyDeps);
      const handled: { caseId: string; failed: boolean }[] = [];
      const handler: StreamHandler = async (event, context) => {
        const response = await real(event, context);
        const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        for (const r of event.Records) {
          handled.push({ caseId: caseOf(r), failed: failed.has(r.dynamodb?.SequenceNumber ?? '') });
        }
        return response;
      };
      const lines: string[] = [];
      const poller = await startStreamPoller({
        dynamodb,
        streams,
        tableName: LOCAL_TABLE,
        handler,
        filter: (r) => isNewOutboxItem(r) && ours.has(caseOf(r)),
        log: (line) => lines.push(line),
      });
      try {
        const createdAt = new Date().toISOString();
        await db.send(
          new PutCommand({
            TableName: LOCAL_TABLE,
            Item: {
              ...poisonKey,
              kind: 'outbox',
              tenant: 'caf13',
              caseId: poisonId,
              seq: 1,
              index: 0,
              // No such event, and no facts: outboxItemOf refuses it.
              notification: { template: 'NO_SUCH_EVENT', to: ['coordination'] },
              createdAt,
              gsi1pk: 'T#caf13#OUTBOX',
              gsi1sk: `${createdAt}#${poisonId}#1#0`,
            },
          }),
        );
        await send(api, USERS.tilleuls, good.id, { type: 'SUBMIT_FICHE' });
        const committed = performance.now();

        // Put aside first, then the good one taken (it may also have gone through beside the poison).
        await until(
          () =>
            poller.deadLetters.length > 0 &&
            handled.some((h) => h.caseId === good.id && !h.failed) &&
            handled.at(-1)?.caseId === good.id,
          15_000,
        );
        expect(poller.deadLetters.map((d) => [d.caseId, d.attempts])).toEqual([[poisonId, 6]]);
        const [dead] = poller.deadLetters;
        expect(handled.filter((h) => h.caseId === poisonId)).toEqual(
          Array.from({ length: 6 }, () => ({ caseId: poisonId, failed: true })),
        );
        expect(handled.some((h) => h.caseId === good.id && !h.failed)).toBe(true);
        expect(lines).toEqual([expect.stringContaining(`stream record ${dead?.sequenceNumber}`)]);
        expect(lines[0]).toContain(`case ${poisonId}`);

        // The stack's own poller met the poison too; the good change's mails arrive, once each.
        const { mails, elapsed } = await awaitMails(
          good.id,
          [USERS.coordination, USERS.tilleuls],
          committed,
          10_000,
        );
        expect(elapsed).toBeLessThan(10_000);
        const seeded = mails.filter((m) =>
          [USERS.coordination, USERS.tilleuls].includes(m.destination.to[0] as never),
        );
        expect(seeded).toHaveLength(2);
      } finally {
        await poller.stop();
      }
      expect(poller.stopped).toBe(true);
    }, 30_000);

    it('is taken out of the pending index by the sweep, which goes on with the others', async () => {
      const mails = createMailRepository(db, LOCAL_TABLE);
      const items = await mails.pendingOutbox('caf13', new Date(Date.now() + 60_000).toISOString(), 100);
      expect(items.map((i) => i.caseId)).not.toContain(poisonId);
      const { Item } = await db.send(new GetCommand({ TableName: LOCAL_TABLE, Key: poisonKey }));
      expect(Item?.gsi1pk).toBeUndefined();
      expect(Item?.poisonedAt).toEqual(expect.any(String));
    });
  });
});

describe('POST /_local/daily-job', () => {
  it.each([
    ['no instant', { body: {} }],
    ['a word', { body: { at: 'tomorrow' } }],
    ['a day without a time', { body: { at: '2026-12-01' } }],
    ['a local time without its offset', { body: { at: '2026-12-01T08:00:00' } }],
    ['an unknown field', { body: { at: '2026-12-01T08:00:00Z', tenant: 'caf99' } }],
    ['a body that is not JSON', { rawBody: 'at=2026-12-01T08:00:00Z' }],
    ['a year before the holiday table', { body: { at: '0050-06-01T08:00:00Z' } }],
    ['year 0', { body: { at: '0000-01-01T00:00:00Z' } }],
    ['the last instant of 9999', { body: { at: '9999-12-31T23:30:00Z' } }],
    ['the last days of the holiday table', { body: { at: '2099-12-31T08:00:00Z' } }],
  ])('refuses %s with a 400 naming body.at', async (_name, request) => {
    const res = await api.call('POST', '/_local/daily-job', request);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.json.errors.map((e: { path: string }) => e.path)).toEqual(['body.at']);
  });

  it('runs the daily job as of the instant given and answers what it sent; a second run sends nothing more', async () => {
    const facts = await caseIn(api, 'fiche_transmise', 'cs-oliviers');
    const read = await api.call('GET', `/cases/${facts.id}`, { as: USERS.coordination });
    expect(read.json.deadline.step).toBe('fiche_transmise');
    // Two days before the due date, at 08:00 in Paris: the coordinateur's reminder.
    const day = addDays(read.json.deadline.dueAt, -2);
    const at = parisEightOn(day).toISOString();

    const first = await api.call('POST', '/_local/daily-job', { body: { at } });
    expect(first.status, first.text).toBe(200);
    expect(first.json.day).toBe(day);
    expect(first.json.sent).toContainEqual({
      caseId: facts.id,
      template: 'rappel',
      kind: 'rappel',
      to: USERS.coordination,
    });
    const [reminder] = (await mailsOf(facts.id)).filter((m) => m.subject.includes('rappel'));
    expect(reminder?.destination.to).toEqual([USERS.coordination]);
    expect(reminder?.subject).toContain('Centre social Les Oliviers');

    const again = await api.call('POST', '/_local/daily-job', { body: { at } });
    expect(again.status).toBe(200);
    expect(again.json.sent.filter((s: { caseId?: string }) => s.caseId === facts.id)).toEqual([]);
  });
});

describe('stopping the local stack', () => {
  it('leaves nothing running: a process that starts and stops it ends by itself', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'test/helpers/start-stop-stack.ts')],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // A timer left behind (the sweep's 30 s, the daily job's) would keep the child alive past this.
    const timeout = new Promise<'alive'>((resolve) => setTimeout(() => resolve('alive'), 45_000).unref());
    const code = await Promise.race([exited, timeout]);
    const endedAt = Date.now();
    if (code === 'alive') child.kill('SIGKILL');
    expect(code, err).toBe(0);
    const report = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
    expect(report).toMatchObject({ pollerStopped: true, jobsStopped: true });
    expect(report.polls).toBeGreaterThanOrEqual(3);
    expect(report.resources).not.toContain('Timeout');
    // Ended right after the stop, not when some timer ran out.
    expect(endedAt - report.stoppedAt).toBeLessThan(5_000);
  }, 60_000);
});
