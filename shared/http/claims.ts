import { type Caller, ROLES, type Role } from '../domain/caller.ts';
import { ForbiddenError, UnauthorizedError } from './problem.ts';

/** Claims as API Gateway's JWT authorizer hands them over (`requestContext.authorizer.jwt.claims`). */
export type JwtClaims = Record<string, string | number | boolean | string[]>;

export const CLAIM = {
  groups: 'cognito:groups',
  tenant: 'custom:tenant',
  organisation: 'custom:organisationId',
} as const;

/**
 * API Gateway flattens an array claim to the string "[a b]"; locally, or when
 * a later authorizer keeps it, it may stay an array. Accept both.
 */
function groupsOf(value: JwtClaims[string] | undefined): string[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/**
 * The caller behind a verified token. The token proves identity (401 otherwise);
 * membership lives in its claims: one role group, a tenant, an organisation (403 otherwise).
 */
export function callerFromClaims(claims: JwtClaims | undefined): Caller {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw new UnauthorizedError('No verified token was presented.');
  const roles = groupsOf(claims?.[CLAIM.groups]).filter((g): g is Role =>
    (ROLES as readonly string[]).includes(g),
  );
  const tenant = claims?.[CLAIM.tenant];
  const organisationId = claims?.[CLAIM.organisation];
  if (
    roles.length !== 1 ||
    typeof tenant !== 'string' ||
    !tenant ||
    typeof organisationId !== 'string' ||
    !organisationId
  ) {
    throw new ForbiddenError(
      'This account has no membership in Renfort; ask the Caf coordination to grant one.',
    );
  }
  const email = typeof claims?.email === 'string' ? claims.email : '';
  return { sub, email, tenant, role: roles[0] as Role, organisationId };
}
