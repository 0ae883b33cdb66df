import { describe, expect, it } from 'vitest';
import { flattenClaims } from '../../../infra/local/jwt-verifier.ts';
import { callerFromClaims } from '../../../shared/http/claims.ts';
import { ForbiddenError, UnauthorizedError } from '../../../shared/http/problem.ts';
import { claimsFor } from '../../helpers/events.ts';

describe('callerFromClaims', () => {
  it('reads the role from groups flattened by API Gateway or kept as an array', () => {
    expect(callerFromClaims(claimsFor('partenaire', 'etat')).role).toBe('partenaire');
    expect(callerFromClaims(claimsFor('partenaire', 'etat', { 'cognito:groups': ['partenaire'] })).role).toBe(
      'partenaire',
    );
  });

  it('ignores groups that are not roles', () => {
    const caller = callerFromClaims(
      claimsFor('x', 'etat', { 'cognito:groups': '[beta-testers prestataire]' }),
    );
    expect(caller.role).toBe('prestataire');
  });

  it('is 401 without a subject and 403 without a complete membership', () => {
    expect(() => callerFromClaims(undefined)).toThrow(UnauthorizedError);
    expect(() => callerFromClaims({ email: 'x@example.org' })).toThrow(UnauthorizedError);
    expect(() => callerFromClaims(claimsFor('partenaire', 'etat', { 'custom:tenant': '' }))).toThrow(
      ForbiddenError,
    );
    expect(() => callerFromClaims(claimsFor('partenaire', 'etat', { 'cognito:groups': '[]' }))).toThrow(
      ForbiddenError,
    );
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
