import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { claimsFor, httpEvent, lambdaContext, membershipFor, TEST_SUB } from '../../../helpers/events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

/** The handler as a fresh container loads it: its referentiel cache empty. */
async function freshHandler() {
  vi.resetModules();
  return (await import('../../../../functions/api/get-referentiel.handler.ts')).handler;
}

describe('GET /referentiel handler', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(GetCommand, { Key: { pk: `USER#${TEST_SUB}`, sk: 'MEMBERSHIP' } }).resolves({
      Item: { pk: `USER#${TEST_SUB}`, sk: 'MEMBERSHIP', ...membershipFor('partenaire', 'etat') },
    });
  });

  it('reads the caller’s membership, then its tenant’s partition with one query, and groups entries by kind', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        { pk: 'T#caf13#REF', sk: 'federations#fed-ifac', kind: 'federations', id: 'fed-ifac', nom: 'IFAC' },
        {
          pk: 'T#caf13#REF',
          sk: 'partenaires#etat',
          kind: 'partenaires',
          id: 'etat',
          nom: 'État',
          categorie: 'etat',
        },
        {
          pk: 'T#caf13#REF',
          sk: 'prestataires#cabinet-b',
          kind: 'prestataires',
          id: 'cabinet-b',
          nom: 'Cabinet B',
        },
      ],
    });
    const handler = await freshHandler();
    const result = await handler(httpEvent({ path: '/referentiel', claims: claimsFor() }), lambdaContext);

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({
      centres: [],
      federations: [{ id: 'fed-ifac', nom: 'IFAC' }],
      partenaires: [{ id: 'etat', nom: 'État', categorie: 'etat' }],
      prestataires: [{ id: 'cabinet-b', nom: 'Cabinet B' }],
    });
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({ ConsistentRead: true });
    const queries = dynamo.commandCalls(QueryCommand);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.args[0].input).toMatchObject({
      TableName: 'renfort-test',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'T#caf13#REF' },
    });
  });

  it('serves the next requests of the container from its cache: no query for 5 minutes', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const handler = await freshHandler();
    const answers = [];
    for (let i = 0; i < 3; i++) {
      answers.push(await handler(httpEvent({ path: '/referentiel', claims: claimsFor() }), lambdaContext));
    }

    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it('answers a bare 500 when DynamoDB fails, without its message, and keeps no failure cached', async () => {
    dynamo.on(QueryCommand).rejects(new Error('ProvisionedThroughputExceededException on renfort-test'));
    const handler = await freshHandler();
    const result = await handler(httpEvent({ path: '/referentiel', claims: claimsFor() }), lambdaContext);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('renfort-test');

    dynamo.on(QueryCommand).resolves({ Items: [] });
    const next = await handler(httpEvent({ path: '/referentiel', claims: claimsFor() }), lambdaContext);
    expect(next.statusCode).toBe(200);
  });
});
