import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Membership } from '../../../../shared/domain/membership.ts';
import type { UserDeps } from '../../../../shared/users/ports.ts';
import { claimsFor, httpEvent, lambdaContext, membershipFor } from '../../../helpers/events.ts';

/** The administration's ports: memberships by id, and nothing else (a refused request goes no further). */
const deps = vi.hoisted(() => ({}) as UserDeps);
vi.mock('../../../../functions/api/user-deps.ts', () => ({ userDeps: deps }));

const { handler: changeUser } = await import('../../../../functions/api/change-user.handler.ts');
const { handler: inviteUser } = await import('../../../../functions/api/invite-user.handler.ts');

const coordinateur = membershipFor('coordinateur', 'caf13-coordination', {
  userId: 'c0000000-0000-4000-8000-000000000001',
});
const gestionnaire = membershipFor('gestionnaire', 'cs-tilleuls', {
  userId: 'c0000000-0000-4000-8000-000000000002',
});
const user = membershipFor('partenaire', 'etat', { userId: 'c0000000-0000-4000-8000-000000000003' });
const UNKNOWN = 'c0000000-0000-4000-8000-0000000000ff';

const dynamo = mockClient(DynamoDBDocumentClient);
const notCalled = () => {
  throw new Error('not to be called by a refused request');
};

beforeEach(() => {
  dynamo.reset();
  // Who calls: the membership the middy stack reads by the token's sub.
  for (const m of [coordinateur, gestionnaire]) {
    dynamo.on(GetCommand, { Key: { pk: `USER#${m.userId}`, sk: 'MEMBERSHIP' } }).resolves({ Item: m });
  }
  const rows = new Map<string, Membership>([coordinateur, gestionnaire, user].map((m) => [m.userId, m]));
  Object.assign(deps, {
    memberships: {
      get: async (userId: string) => rows.get(userId),
      list: notCalled,
      findByEmail: notCalled,
      save: notCalled,
      journal: notCalled,
    },
    directory: {
      invite: notCalled,
      resendInvitation: notCalled,
      setEnabled: notCalled,
      canSignIn: notCalled,
    },
    referentiel: notCalled,
    now: () => new Date('2026-11-25T09:00:00.000Z'),
    cursorSecret: 'unit-test-cursor-secret',
  } satisfies UserDeps);
});

const call = (
  run: typeof changeUser,
  as: Membership,
  method: string,
  path: string,
  body: unknown,
  pathParameters?: Record<string, string>,
) =>
  run(
    httpEvent({
      method,
      path,
      claims: claimsFor({ sub: as.userId }),
      body: JSON.stringify(body),
      ...(pathParameters && { pathParameters }),
    }),
    lambdaContext,
  );

describe('the administration handlers check in the order of DESIGN.md §4', () => {
  const invalid = { role: 'administrateur', tenant: 'caf99' };

  it('refuses anyone but a coordinateur before reading the body (403 before 400)', async () => {
    const invited = await call(inviteUser, gestionnaire, 'POST', '/admin/users', invalid);
    const changed = await call(changeUser, gestionnaire, 'PATCH', `/admin/users/${UNKNOWN}`, invalid, {
      userId: UNKNOWN,
    });
    expect([invited.statusCode, changed.statusCode]).toEqual([403, 403]);
  });

  it('finds the user before reading the patch (404 before 400), then reads it (400)', async () => {
    const unknown = await call(changeUser, coordinateur, 'PATCH', `/admin/users/${UNKNOWN}`, invalid, {
      userId: UNKNOWN,
    });
    expect(unknown.statusCode).toBe(404);
    const known = await call(changeUser, coordinateur, 'PATCH', `/admin/users/${user.userId}`, invalid, {
      userId: user.userId,
    });
    expect(known.statusCode).toBe(400);
    const invited = await call(inviteUser, coordinateur, 'POST', '/admin/users', invalid);
    expect(invited.statusCode).toBe(400);
  });
});
