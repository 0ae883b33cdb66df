import { BatchWriteCommand, type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import {
  CentreSchema,
  FederationSchema,
  PartenaireSchema,
  PrestataireSchema,
  type Referentiel,
  type ReferentielKind,
} from '../domain/referentiel.ts';
import * as keys from './keys.ts';

const SCHEMAS = {
  centres: CentreSchema,
  federations: FederationSchema,
  partenaires: PartenaireSchema,
  prestataires: PrestataireSchema,
} as const;

const KINDS = Object.keys(SCHEMAS) as ReferentielKind[];

/*
 * Reference data of one tenant: one partition, read with one query. Two functions rather than a
 * repository object, so that the functions that only read it do not carry the seed's writes.
 */

/** The tenant's referentiel, each entry checked against its schema. */
export async function loadReferentiel(
  db: DynamoDBDocumentClient,
  tableName: string,
  tenant: string,
): Promise<Referentiel> {
  const referentiel: Referentiel = { centres: [], federations: [], partenaires: [], prestataires: [] };
  const pages = paginateQuery(
    { client: db },
    {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.referentiel(tenant) },
    },
  );
  for await (const page of pages) {
    for (const { pk: _pk, sk: _sk, kind, ...item } of page.Items ?? []) {
      if (!KINDS.includes(kind)) continue;
      const k = kind as ReferentielKind;
      (referentiel[k] as unknown[]).push(SCHEMAS[k].parse(item));
    }
  }
  return referentiel;
}

/** Writes every entry (a put replaces an entry with the same id, so writing twice changes nothing). */
export async function saveReferentiel(
  db: DynamoDBDocumentClient,
  tableName: string,
  tenant: string,
  referentiel: Referentiel,
): Promise<void> {
  const items = KINDS.flatMap((kind) =>
    referentiel[kind].map((entry) => ({
      pk: keys.referentiel(tenant),
      sk: keys.referentielItem(kind, entry.id),
      kind,
      ...entry,
    })),
  );
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    let unprocessed: Record<string, unknown[]> | undefined = { [tableName]: batch };
    while (unprocessed && Object.keys(unprocessed).length > 0) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: unprocessed as never }));
      unprocessed = result.UnprocessedItems as Record<string, unknown[]> | undefined;
    }
  }
}
