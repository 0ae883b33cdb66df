import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';

let shared: DynamoDBDocumentClient | undefined;

/** The document client of this container: created on first use, then shared by every handler module. */
export function createDocumentClient(): DynamoDBDocumentClient {
  if (!shared) {
    const { AWS_REGION, DYNAMODB_ENDPOINT } = config();
    const client = new DynamoDBClient({
      region: AWS_REGION,
      ...(DYNAMODB_ENDPOINT && { endpoint: DYNAMODB_ENDPOINT }),
    });
    shared = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }
  return shared;
}
