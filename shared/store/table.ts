/**
 * The single table's shape, declared once: the CDK stack and the local provisioning
 * both build the table from this, so the emulator and AWS cannot differ.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const TABLE_INDEXES = [
  /** Cases by viewer (centre, federation, coordination, partenaire, prestataire), newest first; pending outbox. */
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Cases by viewer and status, newest first. */
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** Cases by viewer that wait on a step, by due date: the overdue ones are one key condition. */
  { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
] as const;

/** Attribute holding the expiry (epoch seconds) of items DynamoDB's TTL removes: idempotency records. */
export const TTL_ATTRIBUTE = 'expiresAt';
