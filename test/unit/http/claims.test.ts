import { describe, expect, it } from 'vitest';
import { flattenClaims } from '../../../infra/local/jwt-verifier.ts';
import { NotAllowedError } from '../../../shared/domain/errors.ts';
import type { Membership } from '../../../shared/domain/membership.ts';
import { createCallerResolver, MEMBERSHIP_CACHE_MS } from '../../../shared/http/claims.ts';
import { UnauthorizedError } from '../../../shared/http/problem.ts';
import { claimsFor, membershipFor, TEST_SUB } from '../../helpers/events.ts';

/** A membership table in memory that counts its reads, and a clock the test moves. */
function setup(initial: Membership | undefined) {
  const stored = { current: initial, reads: 0 };
  const clock = { now: 1_000_000 };
  const resolve = createCallerResolver(
    async () => {
      stored.reads++;
      return stored.current;
    },
    () => clock.now,
  );
  return { stored, clock, resolve };
}

describe('the caller of a request', () => {
  it('is 401 without a subject in the verified claims', async () => {
    const { resolve } = setup(membershipFor('partenaire', 'etat'));
    await expect(resolve(undefined)).rejects.toThrow(UnauthorizedError);
    await expect(resolve({ email: 'x@example.org' })).rejects.toThrow(UnauthorizedError);
  });

  it('is its membership: role, organisation, tenant and email come from the table, not the token', async () => {
    const { resolve } = setup(membershipFor('partenaire', 'etat', { email: 'avs@example.org' }));
    const caller = await resolve(
      claimsFor({
        email: 'forged@example.org',
        'cognito:groups': '[coordinateur]',
        'custom:tenant': 'caf99',
        'custom:organisationId': 'caf13-coordination',
      }),
    );
    expect(caller).toEqual({
      sub: TEST_SUB,
      email: 'avs@example.org',
      tenant: 'caf13',
      role: 'partenaire',
      organisationId: 'etat',
    });
  });

  it('is 403 without a membership, or with a disabled one', async () => {
    await expect(setup(undefined).resolve(claimsFor())).rejects.toThrow(NotAllowedError);
    const disabled = membershipFor('partenaire', 'etat', { enabled: false });
    await expect(setup(disabled).resolve(claimsFor())).rejects.toThrow(NotAllowedError);
  });

  it('costs one read per container and minute: warm requests read nothing', async () => {
    const { stored, clock, resolve } = setup(membershipFor('partenaire', 'etat'));
    for (let i = 0; i < 12; i++) {
      await resolve(claimsFor()); // at 0 s, 5 s, … 55 s
      clock.now += 5_000;
    }
    expect(stored.reads).toBe(1);
    await resolve(claimsFor()); // at 60 s: the entry has expired
    expect(stored.reads).toBe(2);
  });

  it('sees a revocation at the latest 60 s after it, whatever the age of the token', async () => {
    const { stored, clock, resolve } = setup(membershipFor('partenaire', 'etat'));
    await resolve(claimsFor()); // the container caches the membership
    stored.current = { ...(stored.current as Membership), enabled: false };
    clock.now += MEMBERSHIP_CACHE_MS - 1;
    await expect(resolve(claimsFor())).resolves.toMatchObject({ role: 'partenaire' });
    clock.now += 1;
    await expect(resolve(claimsFor())).rejects.toThrow(NotAllowedError);
  });

  it('lets a user in as soon as it is invited or enabled: a refusal is not kept', async () => {
    const { stored, resolve } = setup(undefined);
    await expect(resolve(claimsFor())).rejects.toThrow(NotAllowedError);
    stored.current = membershipFor('partenaire', 'etat', { enabled: false });
    await expect(resolve(claimsFor())).rejects.toThrow(NotAllowedError);
    stored.current = membershipFor('partenaire', 'etat');
    await expect(resolve(claimsFor())).resolves.toMatchObject({ role: 'partenaire' });
    expect(stored.reads).toBe(3);
  });

  it('sees a change of organisation within the same 60 s', async () => {
    const { stored, clock, resolve } = setup(membershipFor('gestionnaire', 'cs-tilleuls'));
    await resolve(claimsFor());
    stored.current = { ...(stored.current as Membership), organisationId: 'cs-oliviers' };
    clock.now += MEMBERSHIP_CACHE_MS;
    await expect(resolve(claimsFor())).resolves.toMatchObject({ organisationId: 'cs-oliviers' });
  });
});

describe('flattenClaims (the local JWT authorizer)', () => {
  it('turns values into strings as API Gateway does, arrays into "[a b]"', () => {
    expect(flattenClaims({ sub: 's', exp: 12, email_verified: true, 'cognito:groups': ['a', 'b'] })).toEqual({
      sub: 's',
      exp: '12',
      email_verified: 'true',
      'cognito:groups': '[a b]',
    });
  });
});
