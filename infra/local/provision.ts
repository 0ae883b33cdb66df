import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { TABLE_INDEXES, TABLE_KEYS } from '../../shared/store/table.ts';

/** What the mail dispatcher reads: each new item as written (DESIGN.md §7). */
export const STREAM_SPECIFICATION = { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } as const;

/**
 * Creates the single table, or adds what it lacks (indexes, the stream); an up-to-date table is
 * left alone.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<'created' | 'updated' | 'present'> {
  const attribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  const indexKeys = (idx: (typeof TABLE_INDEXES)[number]) => [
    { AttributeName: idx.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: idx.sortKey, KeyType: 'RANGE' as const },
  ];
  let existing: string[];
  let stream: { StreamEnabled?: boolean; StreamViewType?: string } | undefined;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    existing = (Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName ?? '');
    stream = Table?.StreamSpecification;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: STREAM_SPECIFICATION,
        AttributeDefinitions: [
          attribute(TABLE_KEYS.partitionKey),
          attribute(TABLE_KEYS.sortKey),
          ...TABLE_INDEXES.flatMap((idx) => [attribute(idx.partitionKey), attribute(idx.sortKey)]),
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_INDEXES.map((idx) => ({
          IndexName: idx.indexName,
          KeySchema: indexKeys(idx),
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    return 'created';
  }
  const missing = TABLE_INDEXES.filter((idx) => !existing.includes(idx.indexName));
  for (const idx of missing) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [attribute(idx.partitionKey), attribute(idx.sortKey)],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: idx.indexName,
              KeySchema: indexKeys(idx),
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
  }
  // A table made before the dispatcher has no stream; one of another view type is replaced (a
  // stream's view type cannot be changed in place: it is disabled, then enabled anew).
  const streamed =
    stream?.StreamEnabled === true && stream.StreamViewType === STREAM_SPECIFICATION.StreamViewType;
  if (!streamed) {
    if (stream?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
      );
    }
    await client.send(
      new UpdateTableCommand({ TableName: tableName, StreamSpecification: STREAM_SPECIFICATION }),
    );
  }
  return missing.length > 0 || !streamed ? 'updated' : 'present';
}

export async function ensureBucket(client: S3Client, bucket: string): Promise<'created' | 'present'> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return 'present';
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return 'created';
  }
}

/**
 * Lets pages of these origins (the console) send the presigned POST and read the presigned GET
 * straight from the bucket, as the bucket's CORS does in AWS. Written at every start: the
 * gateway's port may change.
 */
export async function ensureBucketCors(client: S3Client, bucket: string, origins: string[]): Promise<void> {
  await client.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: origins,
            AllowedMethods: ['GET', 'HEAD', 'POST'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['ETag'],
            MaxAgeSeconds: 600,
          },
        ],
      },
    }),
  );
}
