import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../../functions/api/get-referentiel.handler.ts';
import { claimsFor, httpEvent, lambdaContext, membershipFor, TEST_SUB } from '../../../helpers/events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

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

  it('answers a bare 500 when DynamoDB fails, without its message', async () => {
    dynamo.on(QueryCommand).rejects(new Error('ProvisionedThroughputExceededException on renfort-test'));
    const result = await handler(httpEvent({ path: '/referentiel', claims: claimsFor() }), lambdaContext);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('renfort-test');
  });
});
