/**
 * The single table's shape, declared once: the CDK stack and the local provisioning
 * both build the table from this, so the emulator and AWS cannot differ.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const TABLE_INDEXES = [
  /** Cases by the organisation that may see them, newest first (issue 3 fills it). */
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
] as const;
