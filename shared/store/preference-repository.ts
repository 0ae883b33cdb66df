import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PreferenceStore } from '../users/preferences.ts';
import * as keys from './keys.ts';

/** The item of a user's mail preferences, beside its membership. */
export const preferencesKey = (userId: string) => ({ pk: keys.membershipPk(userId), sk: keys.preferencesSk });

/** A user's own mail preferences: one item, read and replaced whole. */
export function createPreferenceRepository(db: DynamoDBDocumentClient, tableName: string): PreferenceStore {
  return {
    async getPreferences(userId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: preferencesKey(userId), ConsistentRead: true }),
      );
      return Item && { information: Item.information };
    },

    async putPreferences(userId, preferences) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...preferencesKey(userId), kind: 'preferences', ...preferences },
        }),
      );
    },
  };
}
