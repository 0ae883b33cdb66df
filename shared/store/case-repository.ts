import { type AttributeValue, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { COORDINATION_VIEWER } from '../access/policy.ts';
import type {
  CaseChange,
  CaseReadExtras,
  CaseStore,
  CaseWithExtras,
  Clock,
  CommitResult,
  DocumentReader,
  IdempotencyRecord,
  IdempotencyStore,
  IdempotentAnswer,
  ListingEntry,
  ListPage,
} from '../cases/ports.ts';
import type { CaseRecord, HistoryEvent, Notification } from '../domain/case.ts';
import type { Day } from '../domain/delais.ts';
import type { DocumentRecord } from '../domain/document.ts';
import { ServiceUnavailableError } from '../domain/errors.ts';
import { mailFactsOf } from '../mail/mail-input.ts';
import type { DueCases } from '../notify/ports.ts';
import { documentItemKey, KEY_META, queryPartition, readDocument, strip } from './case-items.ts';
import * as keys from './keys.ts';
import { listingEntryChanges } from './listing-entries.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/**
 * The ports of the case use cases (and the daily job's due cases) that the single table serves;
 * the documents' own records are document-repository.ts's.
 */
export type CaseRepository = CaseStore & DocumentReader & IdempotencyStore & DueCases;

/** BatchGetItem calls for one read before keys DynamoDB keeps leaving unprocessed make it a 503. */
const UNPROCESSED_ROUNDS = 5;
const CASE_META = ['pk', 'sk', 'kind'];
const EVENT_META = ['pk', 'sk', 'kind', 'caseId'];

/**
 * Cases in the single table. A change is one TransactWriteItems: the case under a version
 * condition, its history event under attribute_not_exists, the outbox, the listing entries and
 * the idempotency record. Lists read the GSIs, never Scan. `now` tells an expired idempotency
 * record from a live one.
 */
export function createCaseRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
  now: Clock,
): CaseRepository {
  const caseKey = (tenant: string, caseId: string) => ({ pk: keys.casePk(tenant, caseId), sk: keys.caseSk });

  /**
   * Items by key, strongly consistent, by `pk\nsk`: one BatchGetItem, then one more per page of
   * keys DynamoDB left unprocessed (under throttling).
   */
  async function batchGet(
    wanted: { pk: string; sk: string }[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    let pending: Record<string, unknown>[] | undefined = wanted;
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round === UNPROCESSED_ROUNDS) {
        throw new ServiceUnavailableError('The table is throttling reads; try again in a moment.');
      }
      // Keys left unprocessed mean throttling: asked again after a pause that doubles, with jitter.
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** round));
      const result: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[tableName] ?? []) found.set(`${item.pk}\n${item.sk}`, item);
      pending = result.UnprocessedKeys?.[tableName]?.Keys;
    }
    return found;
  }

  /** Cases by id, in the order asked, skipping any that vanished. */
  async function getMany(tenant: string, caseIds: string[]): Promise<CaseRecord[]> {
    if (caseIds.length === 0) return [];
    const keysOf = caseIds.map((id) => caseKey(tenant, id));
    const found = await batchGet(keysOf);
    return keysOf.flatMap(({ pk, sk }) => {
      const item = found.get(`${pk}\n${sk}`);
      return item ? [strip<CaseRecord>(item, CASE_META) as CaseRecord] : [];
    });
  }

  const idempotencyKey = (tenant: string, sub: string, key: string) => ({
    pk: keys.idempotencyPk(tenant, sub, key),
    sk: keys.idempotencySk,
  });
  /** An answer past its expiry is no answer, even before DynamoDB's TTL has deleted it. */
  const expired = (item: Record<string, unknown>) => (item[TTL_ATTRIBUTE] as number) * 1000 < now().getTime();

  return {
    async get(tenant: string, caseId: string): Promise<CaseRecord | undefined> {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: caseKey(tenant, caseId), ConsistentRead: true }),
      );
      return strip<CaseRecord>(Item, CASE_META);
    },

    async getWith(tenant: string, caseId: string, extras: CaseReadExtras): Promise<CaseWithExtras> {
      const { documentId, idempotency } = extras;
      if (!documentId && !idempotency) return { record: await this.get(tenant, caseId) };
      const wanted = {
        case: caseKey(tenant, caseId),
        ...(documentId && { document: documentItemKey(tenant, caseId, documentId) }),
        ...(idempotency && { idempotent: idempotencyKey(tenant, idempotency.sub, idempotency.key) }),
      };
      const items = await batchGet(Object.values(wanted));
      const item = (key: { pk: string; sk: string }) => items.get(`${key.pk}\n${key.sk}`);
      const stored = wanted.idempotent && item(wanted.idempotent);
      return {
        record: strip<CaseRecord>(item(wanted.case), CASE_META),
        ...(wanted.document && { document: strip<DocumentRecord>(item(wanted.document), KEY_META) }),
        ...(stored &&
          !expired(stored) && {
            idempotent: { requestHash: stored.requestHash as string, body: stored.body },
          }),
      };
    },

    async history(tenant: string, caseId: string): Promise<HistoryEvent[]> {
      return queryPartition<HistoryEvent>(
        db,
        tableName,
        { tenant, caseId, prefix: keys.eventPrefix },
        EVENT_META,
      );
    },

    /** A page of the cases listed under a viewer key, newest first, optionally of one status. */
    async listByViewer(
      tenant: string,
      viewer: string,
      options: { status?: string; limit: number; after?: { createdAt: string; caseId: string } },
    ): Promise<ListPage> {
      const byStatus = options.status !== undefined;
      const index = byStatus ? 'gsi2' : 'gsi1';
      const pk = byStatus
        ? keys.viewerStatusPk(tenant, viewer, options.status as string)
        : keys.viewerPk(tenant, viewer);
      const { Items = [], LastEvaluatedKey } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: `${index}pk = :pk`,
          ExpressionAttributeValues: { ':pk': pk },
          ScanIndexForward: false,
          Limit: options.limit,
          ...(options.after && {
            ExclusiveStartKey: {
              pk: keys.casePk(tenant, options.after.caseId),
              sk: keys.viewSk(viewer),
              [`${index}pk`]: pk,
              [`${index}sk`]: keys.viewerSk(options.after.createdAt, options.after.caseId),
            },
          }),
        }),
      );
      const ids = Items.map((item) => item.caseId as string);
      const records = await getMany(tenant, ids);
      const last = Items.at(-1);
      return {
        records,
        ...(LastEvaluatedKey &&
          last && { next: { createdAt: last.createdAt as string, caseId: last.caseId as string } }),
      };
    },

    /**
     * The listing entries of a viewer whose step was due before `today` (one Query on gsi3, its
     * pages read through): as many as there are overdue cases, however many the viewer has.
     */
    async overdueEntries(tenant: string, viewer: string, today: string): Promise<ListingEntry[]> {
      const entries: ListingEntry[] = [];
      const pages = paginateQuery(
        { client: db },
        {
          TableName: tableName,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :today',
          ExpressionAttributeValues: { ':pk': keys.viewerDuePk(tenant, viewer), ':today': today },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          entries.push({
            caseId: item.caseId as string,
            createdAt: item.createdAt as string,
            status: item.status as string,
          });
        }
      }
      return entries;
    },

    getMany,

    /** The cases the coordination lists whose step falls due between `from` and `to` (gsi3). */
    async dueBetween(tenant: string, from: Day, to: Day): Promise<CaseRecord[]> {
      const ids: string[] = [];
      const pages = paginateQuery(
        { client: db },
        {
          TableName: tableName,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.viewerDuePk(tenant, COORDINATION_VIEWER),
            ':from': `${from}#`,
            ':to': `${to}#\uffff`,
          },
        },
      );
      for await (const page of pages) for (const item of page.Items ?? []) ids.push(item.caseId as string);
      const records = await getMany(tenant, ids);
      // The index may lag behind the case: keep the cases whose step is still due in the window.
      return records.filter((r) => r.deadline && r.deadline.dueAt >= from && r.deadline.dueAt <= to);
    },

    getDocument: (tenant, caseId, documentId) => readDocument(db, tableName, { tenant, caseId, documentId }),

    async idempotentAnswer(tenant: string, sub: string, key: string): Promise<IdempotentAnswer | undefined> {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: idempotencyKey(tenant, sub, key), ConsistentRead: true }),
      );
      if (!Item || expired(Item)) return undefined;
      return { requestHash: Item.requestHash, body: Item.body };
    },

    async commit(change: CaseChange): Promise<CommitResult> {
      const { record, event, idempotency } = change;
      const pk = keys.casePk(record.tenant, record.id);
      const listing = listingEntryChanges({
        viewersBefore: change.viewersBefore,
        viewersAfter: change.viewersAfter,
        statusBefore: change.previousStatus,
        statusAfter: record.status,
      });
      const items = [
        caseItem(tableName, record, change.expectedVersion),
        eventItem(tableName, record, event),
        ...change.notifications.map((notification, i) =>
          outboxItem(tableName, record, event, notification, i),
        ),
        ...listing.put.map((viewer) => viewItem(tableName, record, viewer)),
        ...listing.remove.map((viewer) => ({
          Delete: { TableName: tableName, Key: { pk, sk: keys.viewSk(viewer) } },
        })),
        ...(idempotency ? [idempotencyItem(tableName, record.tenant, idempotency, now())] : []),
      ];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return { outcome: 'committed' };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const codes = reasons.map((reason) => reason.Code);
        if (idempotency && codes.at(-1) === 'ConditionalCheckFailed')
          return { outcome: 'idempotency-conflict' };
        // A lost race shows as a failed version condition, or, on DynamoDB itself, as a
        // TransactionConflict with another transaction on the same items: both are retried.
        if (codes.some((code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict')) {
          // The failed version condition returns the case as it now stands (ALL_OLD): the
          // document client leaves the error's items marshalled.
          const old = reasons[0]?.Code === 'ConditionalCheckFailed' ? reasons[0].Item : undefined;
          const current =
            old && strip<CaseRecord>(unmarshall(old as Record<string, AttributeValue>), CASE_META);
          return { outcome: 'version-conflict', ...(current && { current }) };
        }
        throw error;
      }
    },
  };
}

/** The case, under its version (or as new): a lost race fails this condition. */
function caseItem(tableName: string, record: CaseRecord, expectedVersion: number | undefined) {
  return {
    Put: {
      TableName: tableName,
      Item: { pk: keys.casePk(record.tenant, record.id), sk: keys.caseSk, kind: 'case', ...record },
      ...(expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
            // A lost race gets the winner's case back with the refusal: the retry reads nothing.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
          }),
    },
  };
}

/** The history event, written once. */
function eventItem(tableName: string, record: CaseRecord, event: HistoryEvent) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: keys.casePk(record.tenant, record.id),
        sk: keys.eventSk(event.seq),
        kind: 'event',
        caseId: record.id,
        ...event,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * A notification to send, pending in the outbox index until the dispatcher has sent its mails:
 * what happened, who made it, and the facts a mail may say (no text typed by a user).
 */
function outboxItem(
  tableName: string,
  record: CaseRecord,
  event: HistoryEvent,
  notification: Notification,
  i: number,
) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: keys.casePk(record.tenant, record.id),
        sk: keys.outboxSk(event.seq, i),
        kind: 'outbox',
        tenant: record.tenant,
        caseId: record.id,
        seq: event.seq,
        index: i,
        notification,
        facts: mailFactsOf(record, event.at),
        authorSub: event.actor.sub,
        createdAt: event.at,
        gsi1pk: keys.outboxPendingPk(record.tenant),
        gsi1sk: `${event.at}#${record.id}#${event.seq}#${i}`,
      },
    },
  };
}

/** A viewer's listing entry: in its listing, and in its listing of the case's status. */
function viewItem(tableName: string, record: CaseRecord, viewer: string) {
  const { tenant, id, status, createdAt, deadline } = record;
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: keys.casePk(tenant, id),
        sk: keys.viewSk(viewer),
        kind: 'view',
        caseId: id,
        status,
        createdAt,
        gsi1pk: keys.viewerPk(tenant, viewer),
        gsi1sk: keys.viewerSk(createdAt, id),
        gsi2pk: keys.viewerStatusPk(tenant, viewer, status),
        gsi2sk: keys.viewerSk(createdAt, id),
        ...(deadline && {
          dueAt: deadline.dueAt,
          gsi3pk: keys.viewerDuePk(tenant, viewer),
          gsi3sk: keys.viewerDueSk(deadline.dueAt, createdAt, id),
        }),
      },
    },
  };
}

/** The answer kept under its Idempotency-Key; an expired record may linger until DynamoDB's TTL sweep: it no longer counts. */
function idempotencyItem(tableName: string, tenant: string, idempotency: IdempotencyRecord, now: Date) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: keys.idempotencyPk(tenant, idempotency.sub, idempotency.key),
        sk: keys.idempotencySk,
        kind: 'idempotency',
        ...idempotency.answer,
        [TTL_ATTRIBUTE]: idempotency.expiresAt,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR #expires < :now',
      ExpressionAttributeNames: { '#expires': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
    },
  };
}
