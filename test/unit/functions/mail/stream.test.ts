import { MessageRejected, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { failureOf } from '../../../../functions/mail/bounce.handler.ts';
import { streamHandlerOf } from '../../../../functions/mail/stream.ts';
import { mailFactsOf } from '../../../../shared/mail/mail-input.ts';
import { refOfTag, refTag } from '../../../../shared/notify/dispatch.ts';
import type { OutboxItem } from '../../../../shared/notify/ports.ts';
import { createSesMailer } from '../../../../shared/store/ses-mailer.ts';
import { AT, actors, caseIn, recordOf } from '../../../helpers/case-fixtures.ts';
import { memoryNotifyDeps } from '../../../helpers/memory-notify.ts';

/**
 * The dispatcher's stream handler under faults: SES mocked (aws-sdk-client-mock), the mail log
 * in memory. What the event source does with the answer (retry from the failed record, bisect,
 * then the on-failure queue) is the AWS mapping's, and the local poller's, tested beside them.
 */

const ses = mockClient(SESClient);
const context = { awsRequestId: 'test', functionName: 'dispatch' } as unknown as Context;

const submitted = recordOf(caseIn('fiche_transmise'), {
  deadline: { step: 'fiche_transmise', dueAt: '2026-03-09' },
});
const item = (seq: number): Record<string, unknown> & OutboxItem => ({
  kind: 'outbox',
  tenant: 'caf13',
  caseId: submitted.id,
  seq,
  index: 0,
  notification: { template: 'SUBMIT_FICHE', to: ['coordination', 'gestionnaire'] },
  facts: mailFactsOf(submitted, AT),
  authorSub: actors.gestionnaire.sub,
  createdAt: AT,
});

const insert = (image: Record<string, unknown>, sequence: string): DynamoDBRecord => ({
  eventID: `e-${sequence}`,
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: {
    SequenceNumber: sequence,
    NewImage: marshall(image, { removeUndefinedValues: true }) as never,
  },
});
const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

function setup() {
  const notify = memoryNotifyDeps({ now: () => new Date(AT) });
  notify.deps.mailer = createSesMailer({
    from: 'ne-pas-repondre@renfort.example.org',
    region: 'eu-west-3',
    client: new SESClient({ region: 'eu-west-3' }),
  });
  return { ...notify, handler: streamHandlerOf(notify.deps) };
}

beforeEach(() => {
  ses.reset();
});

describe('the stream handler', () => {
  it('dispatches new outbox items, passes over every other record, and reports a poison record alone', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const { handler, log } = setup();
    const answer = await handler(
      batch(
        insert({ ...item(2), pk: 'p', sk: 's' }, '100'),
        insert({ kind: 'outbox', tenant: 'caf13', caseId: submitted.id, seq: 'not a number' }, '200'),
        insert({ kind: 'case', pk: 'p', sk: 'CASE' }, '300'),
        { ...insert({ ...item(4) }, '400'), eventName: 'MODIFY' },
      ),
      context,
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    const sent = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses?.[0]);
    expect(sent.sort()).toEqual(['ca.tilleuls@example.org', 'coordination@caf13.example.org']);
    expect(log.pendingOutboxItems()).toEqual([]);
  });

  it('reports the record when SES throttles, and its retry sends each mail once', async () => {
    const throttled = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' });
    ses.on(SendEmailCommand).rejects(throttled);
    const { handler, log } = setup();
    log.enqueue(item(2));
    const record = insert(item(2), '100');
    expect(await handler(batch(record), context)).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
    expect(log.pendingOutboxItems()).toHaveLength(1);
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
    expect(await handler(batch(record), context)).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(log.pendingOutboxItems()).toEqual([]);
  });

  it('marks a mail SES refuses failed without failing the record', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }));
    const { handler, deps } = setup();
    expect(await handler(batch(insert(item(2), '100')), context)).toEqual({ batchItemFailures: [] });
    const mails = await deps.mails.caseMails('caf13', submitted.id);
    expect(mails.map((m) => [m.status, m.failure])).toEqual([
      ['failed', 'MessageRejected'],
      ['failed', 'MessageRejected'],
    ]);
  });

  it('tags each mail so that a bounce finds its line in the log', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-3' });
    const { handler } = setup();
    await handler(batch(insert(item(2), '100')), context);
    const tags = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Tags);
    for (const tag of tags) {
      expect(tag?.[0]?.Name).toBe('ref');
      expect(tag?.[0]?.Value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      expect(refOfTag(tag?.[0]?.Value ?? '')).toMatchObject({ tenant: 'caf13', scope: submitted.id });
    }
    expect(refOfTag(refTag({ tenant: 't', scope: 's', slot: 'a#b' }))).toEqual({
      tenant: 't',
      scope: 's',
      slot: 'a#b',
    });
    expect(refOfTag('not-json')).toBeUndefined();
  });
});

describe('bounces', () => {
  it('count permanent bounces and complaints as failures, not transient bounces', () => {
    expect(failureOf({ eventType: 'Bounce', bounce: { bounceType: 'Permanent' } })).toBe('bounce:Permanent');
    expect(failureOf({ eventType: 'Complaint' })).toBe('complaint');
    expect(failureOf({ eventType: 'Bounce', bounce: { bounceType: 'Transient' } })).toBeUndefined();
    expect(failureOf({ eventType: 'Delivery' })).toBeUndefined();
  });
});

describe('the recipients of a batch', () => {
  it('are read once for the whole batch, and read again for the next batch', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const { handler, deps } = setup();
    const asked = { members: 0, preferences: 0 };
    const { members, preferences } = deps.recipients;
    deps.recipients.members = (tenant) => {
      asked.members += 1;
      return members(tenant);
    };
    deps.recipients.preferences = (userIds) => {
      asked.preferences += 1;
      return preferences(userIds);
    };

    await handler(batch(insert(item(2), '100'), insert(item(3), '200'), insert(item(4), '300')), context);
    expect(asked).toEqual({ members: 1, preferences: 1 });
    await handler(batch(insert(item(5), '400')), context);

    expect(asked).toEqual({ members: 2, preferences: 2 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(8);
  });

  it('are not kept when the reading failed: the records that waited on it fail, and their retry reads again', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const { handler, deps } = setup();
    const { members } = deps.recipients;
    let calls = 0;
    deps.recipients.members = (tenant) => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('throttled')) : members(tenant);
    };

    const first = await handler(batch(insert(item(2), '100'), insert(item(3), '200')), context);
    const retry = await handler(batch(insert(item(2), '100'), insert(item(3), '200')), context);

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }, { itemIdentifier: '200' }] });
    expect(retry).toEqual({ batchItemFailures: [] });
    expect(calls).toBe(2);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(4);
  });
});
