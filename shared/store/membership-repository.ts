import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { isEnabledCoordinateur, type Membership, type MembershipChange } from '../domain/membership.ts';
import type { Preferences } from '../domain/preferences.ts';
import type { Recipients } from '../notify/ports.ts';
import type { MembershipStore } from '../users/ports.ts';
import * as keys from './keys.ts';
import { preferencesKey } from './preference-repository.ts';

const MEMBERSHIP_META = ['pk', 'sk', 'kind', 'gsi1pk', 'gsi1sk'];
const CHANGE_META = ['pk', 'sk', 'kind', 'id'];

function strip<T>(item: Record<string, unknown>, drop: string[]): T {
  const copy = { ...item };
  for (const key of drop) delete copy[key];
  return copy as T;
}

/**
 * A user's membership, strongly consistent: what every request reads to know its caller (through
 * the cache of shared/http/claims.ts). Apart from the repository, so that the functions that
 * only read their caller's do not carry the rest.
 */
export async function readMembership(
  db: DynamoDBDocumentClient,
  tableName: string,
  userId: string,
): Promise<Membership | undefined> {
  const { Item } = await db.send(
    new GetCommand({
      TableName: tableName,
      Key: { pk: keys.membershipPk(userId), sk: keys.membershipSk },
      ConsistentRead: true,
    }),
  );
  return Item && strip<Membership>(Item, MEMBERSHIP_META);
}

/**
 * Memberships in the single table: one item per user keyed by its `sub` (read with one strongly
 * consistent GetItem per request, before the cache), listed per tenant by gsi1. A change writes
 * the membership under a version condition, its journal entry, and the tenant's count of enabled
 * coordinateurs, in one transaction: the count may never fall below one, even when two
 * coordinateurs disable each other at the same moment.
 */
export function createMembershipRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
): MembershipStore & Recipients {
  const repository: MembershipStore & Recipients = {
    members: (tenant) => repository.list(tenant),

    /** The preferences of these users that chose any (BatchGetItem, 100 keys a call). */
    async preferences(userIds) {
      const found = new Map<string, Preferences>();
      for (let i = 0; i < userIds.length; i += 100) {
        let pending: Record<string, unknown>[] | undefined = userIds.slice(i, i + 100).map(preferencesKey);
        while (pending && pending.length > 0) {
          const result: BatchGetCommandOutput = await db.send(
            new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
          );
          for (const item of result.Responses?.[tableName] ?? []) {
            found.set((item.pk as string).slice(keys.membershipPk('').length), {
              information: item.information,
            });
          }
          pending = result.UnprocessedKeys?.[tableName]?.Keys;
        }
      }
      return found;
    },

    get: (userId) => readMembership(db, tableName, userId),

    async list(tenant) {
      const found: Membership[] = [];
      const pages = paginateQuery(
        { client: db },
        {
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.tenantUsersPk(tenant) },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) found.push(strip<Membership>(item, MEMBERSHIP_META));
      }
      return found;
    },

    async findByEmail(tenant, email) {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :email',
          ExpressionAttributeValues: { ':pk': keys.tenantUsersPk(tenant), ':email': email },
        }),
      );
      const [item] = Items;
      return item && strip<Membership>(item, MEMBERSHIP_META);
    },

    async save({ membership, expectedVersion, replaces, entry }) {
      const { tenant } = membership;
      const delta = Number(isEnabledCoordinateur(entry.after)) - Number(isEnabledCoordinateur(entry.before));
      const countKey = { pk: keys.membershipLogPk(tenant), sk: keys.coordinateurCountSk };
      const items = [
        {
          Put: {
            TableName: tableName,
            Item: {
              pk: keys.membershipPk(membership.userId),
              sk: keys.membershipSk,
              kind: 'membership',
              ...membership,
              gsi1pk: keys.tenantUsersPk(tenant),
              gsi1sk: membership.email,
            },
            ...(expectedVersion === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'version = :expected',
                  ExpressionAttributeValues: { ':expected': expectedVersion },
                }),
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: {
              pk: keys.membershipLogPk(tenant),
              sk: keys.membershipChangeSk(entry.at, randomUUID()),
              kind: 'membership-change',
              ...entry,
            },
          },
        },
        ...(replaces
          ? [
              {
                Delete: {
                  TableName: tableName,
                  Key: { pk: keys.membershipPk(replaces.userId), sk: keys.membershipSk },
                  ConditionExpression: 'version = :replaced',
                  ExpressionAttributeValues: { ':replaced': replaces.version },
                },
              },
            ]
          : []),
        ...(delta === 0
          ? []
          : [
              {
                Update: {
                  TableName: tableName,
                  Key: countKey,
                  UpdateExpression: 'ADD enabledCoordinateurs :delta',
                  ExpressionAttributeValues: { ':delta': delta, ...(delta < 0 && { ':one': 1 }) },
                  ...(delta < 0 && { ConditionExpression: 'enabledCoordinateurs > :one' }),
                },
              },
            ]),
      ];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'saved';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        // The count is the last item when it is written.
        if (delta < 0 && codes.at(-1) === 'ConditionalCheckFailed') return 'last-coordinateur';
        if (codes.some((code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict')) {
          return 'conflict';
        }
        throw error;
      }
    },

    async journal(tenant, { limit, after }) {
      const pk = keys.membershipLogPk(tenant);
      const { Items = [], LastEvaluatedKey } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.membershipChangePrefix },
          ScanIndexForward: false,
          Limit: limit,
          ...(after && { ExclusiveStartKey: { pk, sk: keys.membershipChangeSk(after.at, after.id) } }),
        }),
      );
      const last = Items.at(-1);
      const id = (sk: string) => sk.slice(sk.lastIndexOf('#') + 1);
      return {
        items: Items.map((item) => strip<MembershipChange>(item, CHANGE_META)),
        ...(LastEvaluatedKey && last && { next: { at: last.at as string, id: id(last.sk as string) } }),
      };
    },
  };
  return repository;
}
