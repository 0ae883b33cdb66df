import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AccessLogPage, AccessLogPosition, ConfirmResult, DocumentRecords } from '../cases/ports.ts';
import type { AccessLogEntry, DocumentRecord } from '../domain/document.ts';
import { documentItemKey, KEY_META, queryPartition, readDocument, strip } from './case-items.ts';
import * as keys from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/**
 * The documents of the cases in the single table: their records and upload slots, in their
 * case's partition, and the access log of their downloads. Only the documents function uses
 * all of it; the others read a document through the case repository.
 */
export function createDocumentRepository(db: DynamoDBDocumentClient, tableName: string): DocumentRecords {
  return {
    getDocument: (tenant, caseId, documentId) => readDocument(db, tableName, { tenant, caseId, documentId }),

    /**
     * Records a pending document in a free upload slot of its case: one TransactWriteItems that
     * claims the slot (empty, or its ticket expired) and puts the document. Free slots are tried in
     * random order, so that simultaneous requests rarely collide; undefined when none is left.
     */
    async issueUploadTicket(
      tenant: string,
      document: DocumentRecord,
      { slots, expiresAt }: { slots: number; expiresAt: Date },
    ): Promise<DocumentRecord | undefined> {
      const pk = keys.casePk(tenant, document.caseId);
      const now = Math.floor(Date.parse(document.createdAt) / 1000);
      const taken = new Set(
        (
          await queryPartition<{ sk: string; [TTL_ATTRIBUTE]: number }>(
            db,
            tableName,
            { tenant, caseId: document.caseId, prefix: keys.uploadSlotPrefix },
            ['pk'],
          )
        )
          .filter((slot) => slot[TTL_ATTRIBUTE] > now)
          .map((slot) => slot.sk),
      );
      const free = Array.from({ length: slots }, (_, slot) => slot)
        .filter((slot) => !taken.has(keys.uploadSlotSk(slot)))
        .map((slot) => ({ slot, order: Math.random() }))
        .sort((a, b) => a.order - b.order);
      for (const { slot } of free) {
        const stored = { ...document, uploadSlot: slot };
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tableName,
                    Item: {
                      pk,
                      sk: keys.uploadSlotSk(slot),
                      kind: 'upload-slot',
                      documentId: document.id,
                      [TTL_ATTRIBUTE]: Math.floor(expiresAt.getTime() / 1000),
                    },
                    ConditionExpression: 'attribute_not_exists(pk) OR #expires <= :now',
                    ExpressionAttributeNames: { '#expires': TTL_ATTRIBUTE },
                    ExpressionAttributeValues: { ':now': now },
                  },
                },
                {
                  Put: {
                    TableName: tableName,
                    Item: { pk, sk: keys.documentSk(document.id), ...stored },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          );
          return stored;
        } catch (error) {
          // Another request took this slot first: try the next free one.
          if (error instanceof TransactionCanceledException) continue;
          throw error;
        }
      }
      return undefined;
    },

    /** Frees a document's upload slot, unless another ticket took it after this one expired. */
    async releaseUploadSlot(tenant: string, document: DocumentRecord): Promise<void> {
      if (document.uploadSlot === undefined) return;
      try {
        await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk: keys.casePk(tenant, document.caseId), sk: keys.uploadSlotSk(document.uploadSlot) },
            ConditionExpression: 'documentId = :id',
            ExpressionAttributeValues: { ':id': document.id },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    /**
     * Claims a pending document for one confirm until `until`: false when it is no longer
     * pending, or another confirm holds an unexpired claim. Two confirms of one document never
     * copy and check at the same time; a crashed one frees it when its claim expires.
     */
    async claimDocument(tenant: string, document: DocumentRecord, now: Date, until: Date): Promise<boolean> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: documentItemKey(tenant, document.caseId, document.id),
            UpdateExpression: 'SET confirmingUntil = :until',
            ConditionExpression:
              '#status = :pending AND (attribute_not_exists(confirmingUntil) OR confirmingUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':pending': 'pending',
              ':until': until.toISOString(),
              ':now': now.toISOString(),
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /**
     * Lets the next confirm of a document still pending run at once: only the claim taken until
     * `until` is released, never a later confirm's (a decided document has no claim left).
     */
    async releaseDocumentClaim(tenant: string, document: DocumentRecord, until: Date): Promise<void> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: documentItemKey(tenant, document.caseId, document.id),
            UpdateExpression: 'REMOVE confirmingUntil',
            ConditionExpression: '#status = :pending AND confirmingUntil = :until',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending', ':until': until.toISOString() },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    /**
     * Makes a checked document available, in one TransactWriteItems: a ConditionCheck that the
     * case is still in the status the upload window was checked against, and the document put
     * under `status = pending`. So no document becomes available once its window has closed.
     */
    async confirmDocument(
      tenant: string,
      document: DocumentRecord,
      caseStatus: string,
    ): Promise<ConfirmResult> {
      const pk = keys.casePk(tenant, document.caseId);
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: tableName,
                  Key: { pk, sk: keys.caseSk },
                  ConditionExpression: '#status = :status',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':status': caseStatus },
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { pk, sk: keys.documentSk(document.id), ...document },
                  ConditionExpression: '#status = :pending',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':pending': 'pending' },
                },
              },
            ],
          }),
        );
        return 'confirmed';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [caseCheck, documentPut] = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        if (documentPut === 'ConditionalCheckFailed') return 'document-moved';
        // A changed status, or (on DynamoDB itself) a TransactionConflict with the change that
        // made it: the caller reads the case again and decides.
        if (
          caseCheck === 'ConditionalCheckFailed' ||
          [caseCheck, documentPut].includes('TransactionConflict')
        ) {
          return 'case-moved';
        }
        throw error;
      }
    },

    /** Replaces a document whose status is still `expected`; false when it has moved on. */
    async replaceDocument(tenant: string, document: DocumentRecord, expected: DocumentRecord['status']) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...documentItemKey(tenant, document.caseId, document.id), ...document },
            ConditionExpression: '#status = :expected',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':expected': expected },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async listDocuments(tenant: string, caseId: string): Promise<DocumentRecord[]> {
      return queryPartition<DocumentRecord>(db, tableName, { tenant, caseId, prefix: keys.documentPrefix });
    },

    async putAccessLog(tenant: string, caseId: string, entry: AccessLogEntry): Promise<void> {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: keys.casePk(tenant, caseId), sk: keys.accessSk(entry.at, randomUUID()), ...entry },
        }),
      );
    },

    /** Up to `limit` entries of a case's access log after `after`, oldest first: one Query. */
    async accessLogPage(
      tenant: string,
      caseId: string,
      { after, limit }: { after?: AccessLogPosition; limit: number },
    ): Promise<AccessLogPage> {
      const pk = keys.casePk(tenant, caseId);
      const { Items = [], LastEvaluatedKey } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.accessPrefix },
          ConsistentRead: true,
          Limit: limit,
          ...(after && { ExclusiveStartKey: { pk, sk: keys.accessSk(after.at, after.id) } }),
        }),
      );
      return {
        entries: Items.map((item) => {
          const sk = item.sk as string;
          const at = item.at as string;
          // `ACCESS#<at>#<id>`: the id is what follows the time.
          const id = sk.slice(keys.accessSk(at, '').length);
          return { entry: strip<AccessLogEntry>(item, KEY_META) as AccessLogEntry, position: { at, id } };
        }),
        more: LastEvaluatedKey !== undefined,
      };
    },
  };
}
