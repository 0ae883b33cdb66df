import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { CASE_EVENT_TYPES, CASE_STATUSES } from '../domain/case.ts';
import { DELAI_STEPS } from '../domain/delais.ts';
import * as z from '../domain/zod.ts';
import { logger } from '../logger.ts';
import type { MailLog, MailRecord, MailRef, OutboxItem } from '../notify/ports.ts';
import * as keys from './keys.ts';

/**
 * The mail log in the single table. A case's mails live in its partition (`MAIL#<slot>`), a day's
 * digests in a partition of their own; information mails kept for a digest are also in the
 * tenant's pending-digest index (gsi1) until a digest gathers them. Outbox items leave the
 * pending-outbox index (gsi1) once dispatched.
 */

const AUDIENCES = ['gestionnaire', 'coordination', 'consulted-partenaires', 'prestataire'] as const;

/** An outbox item as stored: what the stream hands over is checked against it (a poison record fails here). */
const OutboxItemSchema = z.object({
  kind: z.literal('outbox'),
  tenant: z.string().check(z.minLength(1)),
  caseId: z.string().check(z.minLength(1)),
  seq: z.int().check(z.gte(0)),
  index: z.int().check(z.gte(0)),
  notification: z.object({ template: z.enum(CASE_EVENT_TYPES), to: z.array(z.enum(AUDIENCES)) }),
  facts: z.object({
    tenant: z.string(),
    caseId: z.string(),
    context: z.object({
      centreId: z.string(),
      federationId: z.optional(z.string()),
      submittedOnce: z.boolean(),
      consultedPartenaireIds: z.array(z.string()),
      prestataireId: z.optional(z.string()),
    }),
    status: z.enum(CASE_STATUSES),
    deadline: z.optional(z.object({ step: z.enum(DELAI_STEPS), dueAt: z.string() })),
    avisReceived: z.number(),
    avisRequested: z.number(),
    at: z.string(),
  }),
  authorSub: z.string(),
  createdAt: z.string(),
});

/** Reads a stored outbox item; throws a readable error on anything else. */
export function outboxItemOf(item: Record<string, unknown>): OutboxItem {
  const parsed = OutboxItemSchema.safeParse(item);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || '(item)').join(', ');
    throw new TypeError(`Not an outbox item (${where})`);
  }
  const { kind: _, ...outbox } = parsed.data;
  return outbox as OutboxItem;
}

const DIGEST_SCOPE = /^digest:(\d{4}-\d{2}-\d{2})$/;

function keyOf(ref: MailRef) {
  const digest = DIGEST_SCOPE.exec(ref.scope);
  return {
    pk: digest ? keys.digestPk(ref.tenant, digest[1] as string) : keys.casePk(ref.tenant, ref.scope),
    sk: keys.mailSk(ref.slot),
  };
}

const STORED_ONLY = ['pk', 'sk', 'kind', 'mailKind', 'gsi1pk', 'gsi1sk', 'digestedAt'];

function mailOf(item: Record<string, unknown>): MailRecord {
  const copy: Record<string, unknown> = { ...item, kind: item.mailKind };
  for (const key of STORED_ONLY) if (key !== 'kind') delete copy[key];
  return copy as unknown as MailRecord;
}

const ignoreLostCondition = (error: unknown) => {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
};

export function createMailRepository(db: DynamoDBDocumentClient, tableName: string): MailLog {
  async function queryAll(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateQuery({ client: db }, { TableName: tableName, ...input })) {
      items.push(...(page.Items ?? []));
    }
    return items;
  }

  type UpdateInput = Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>;

  /** An update that holds only under its condition; a lost condition means another got there. */
  async function updateIfStillKey(Key: Record<string, unknown>, input: UpdateInput): Promise<void> {
    await db.send(new UpdateCommand({ TableName: tableName, Key, ...input })).catch(ignoreLostCondition);
  }
  const updateIfStill = (ref: MailRef, input: UpdateInput) => updateIfStillKey(keyOf(ref), input);

  return {
    async recorded(tenant, scope, prefix) {
      const { pk } = keyOf({ tenant, scope, slot: '' });
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.mailSk(prefix) },
        ConsistentRead: true,
      });
      return items.map(mailOf);
    },

    async record(mail) {
      const { kind, ...rest } = mail;
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keyOf(mail),
              kind: 'mail',
              mailKind: kind,
              ...rest,
              ...(mail.status === 'digest' && {
                gsi1pk: keys.digestPendingPk(mail.tenant),
                gsi1sk: `${mail.userId}#${mail.createdAt}#${mail.id}`,
              }),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        ignoreLostCondition(error);
        return false;
      }
    },

    async claim(ref, at, staleBefore) {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(ref),
            UpdateExpression: 'SET #status = :sending, claimedAt = :at ADD attempts :one',
            ConditionExpression: '#status = :pending OR (#status = :sending AND claimedAt < :stale)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sending': 'sending',
              ':pending': 'pending',
              ':at': at,
              ':stale': staleBefore,
              ':one': 1,
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return Attributes?.attempts as number;
      } catch (error) {
        ignoreLostCondition(error);
        return undefined;
      }
    },

    async release(ref, attempt) {
      await updateIfStill(ref, {
        UpdateExpression: 'SET #status = :pending REMOVE claimedAt',
        ConditionExpression: '#status = :sending AND attempts = :attempt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':sending': 'sending', ':attempt': attempt },
      });
    },

    async markSent(ref, attempt, sentAt, messageId) {
      await updateIfStill(ref, {
        UpdateExpression: 'SET #status = :sent, sentAt = :sentAt, messageId = :messageId REMOVE claimedAt',
        ConditionExpression: '#status = :sending AND attempts = :attempt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':sending': 'sending',
          ':sentAt': sentAt,
          ':messageId': messageId,
          ':attempt': attempt,
        },
      });
    },

    async markFailed(ref, failure) {
      await updateIfStill(ref, {
        UpdateExpression: 'SET #status = :failed, failure = :failure REMOVE claimedAt',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed', ':failure': failure.slice(0, 200) },
      });
    },

    async outboxDone(item) {
      await db
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: keys.casePk(item.tenant, item.caseId), sk: keys.outboxSk(item.seq, item.index) },
            UpdateExpression: 'SET dispatchedAt = :now REMOVE gsi1pk, gsi1sk',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':now': new Date().toISOString() },
          }),
        )
        .catch(ignoreLostCondition);
    },

    async outboxFailed(item, reason, giveUpAfter) {
      const Key = { pk: keys.casePk(item.tenant, item.caseId), sk: keys.outboxSk(item.seq, item.index) };
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: 'SET lastFailure = :reason ADD sweepFailures :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':reason': reason, ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      if (((Attributes?.sweepFailures as number) ?? 0) < giveUpAfter) return 'again';
      await updateIfStillKey(Key, {
        UpdateExpression: 'SET abandonedAt = :now REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      });
      logger.error('Outbox item given up', { caseId: item.caseId, seq: item.seq, index: item.index, reason });
      return 'given-up';
    },

    async pendingOutbox(tenant, before, limit) {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
          ExpressionAttributeValues: { ':pk': keys.outboxPendingPk(tenant), ':before': before },
          Limit: limit,
        }),
      );
      const found: OutboxItem[] = [];
      for (const stored of Items ?? []) {
        try {
          found.push(outboxItemOf(stored));
        } catch (error) {
          // Not an outbox item that can be sent (a poison record): out of the index, so that it
          // does not hold back the sweep of the others; it stays in its case, marked.
          await updateIfStillKey(
            { pk: stored.pk, sk: stored.sk },
            {
              UpdateExpression: 'SET poisonedAt = :now REMOVE gsi1pk, gsi1sk',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':now': new Date().toISOString() },
            },
          );
          logger.error('Outbox item set aside: not readable', {
            pk: stored.pk,
            sk: stored.sk,
            reason: (error as Error).message,
          });
        }
      }
      return found;
    },

    async pendingDigest(tenant) {
      const items = await queryAll({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.digestPendingPk(tenant) },
      });
      return items.map(mailOf);
    },

    async digested(refs) {
      const at = new Date().toISOString();
      await Promise.all(
        refs.map((ref) =>
          updateIfStill(ref, {
            UpdateExpression: 'SET digestedAt = :at REMOVE gsi1pk, gsi1sk',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at },
          }),
        ),
      );
    },

    async caseMails(tenant, caseId) {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.casePk(tenant, caseId), ':prefix': keys.mailPrefix },
        ConsistentRead: true,
      });
      return items
        .map(mailOf)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.slot.localeCompare(b.slot));
    },
  };
}
