import { type DynamoDBDocumentClient, GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { DocumentRecord } from '../domain/document.ts';
import * as keys from './keys.ts';

/*
 * What the repositories of a case's partition share (the case, its history, its documents and
 * their access log all live under the case's `pk`).
 */

/** The item as the domain knows it: a copy without the table's own attributes. */
export const strip = <T>(item: Record<string, unknown> | undefined, drop: string[]): T | undefined => {
  if (!item) return undefined;
  const copy = { ...item };
  for (const key of drop) delete copy[key];
  return copy as T;
};

export const KEY_META = ['pk', 'sk'];

/** Every item of a case's partition under a sort-key prefix, in key order, strongly consistent. */
export async function queryPartition<T>(
  db: DynamoDBDocumentClient,
  tableName: string,
  { tenant, caseId, prefix }: { tenant: string; caseId: string; prefix: string },
  drop = KEY_META,
): Promise<T[]> {
  const found: T[] = [];
  const pages = paginateQuery(
    { client: db },
    {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.casePk(tenant, caseId), ':prefix': prefix },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) found.push(strip<T>(item, drop) as T);
  }
  return found;
}

/** The key of a document's record, in its case's partition. */
export const documentItemKey = (tenant: string, caseId: string, documentId: string) => ({
  pk: keys.casePk(tenant, caseId),
  sk: keys.documentSk(documentId),
});

/** A document's record, strongly consistent; undefined when there is none. */
export async function readDocument(
  db: DynamoDBDocumentClient,
  tableName: string,
  { tenant, caseId, documentId }: { tenant: string; caseId: string; documentId: string },
): Promise<DocumentRecord | undefined> {
  const { Item } = await db.send(
    new GetCommand({
      TableName: tableName,
      Key: documentItemKey(tenant, caseId, documentId),
      ConsistentRead: true,
    }),
  );
  return strip<DocumentRecord>(Item, KEY_META);
}
