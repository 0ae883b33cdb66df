import { type Caller, ROLES, type Role } from './caller.ts';
import type { Referentiel } from './referentiel.ts';
import { refId } from './text.ts';
import * as z from './zod.ts';

/**
 * What Renfort lets a user do: one membership per user, kept in the table and administered by the
 * coordination. Cognito only says who the user is (its `sub`); nothing a user holds or can edit
 * (token claims, Cognito attributes) decides their role, organisation or tenant.
 */
export interface Membership {
  /** The Cognito `sub`. */
  userId: string;
  email: string;
  tenant: string;
  role: Role;
  organisationId: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  /** Increases by one per change; a change is written only over the version it was computed from. */
  version: number;
}

/** Who a membership change was made by: a coordinateur, or the seed of the local stack. */
export interface ChangeAuthor {
  userId: string;
  email: string;
}

export const MEMBERSHIP_ACTIONS = ['invited', 'seeded', 'changed', 'disabled', 'enabled'] as const;

export type MembershipTerms = Pick<Membership, 'role' | 'organisationId' | 'enabled'>;

/** One entry of the membership journal: who changed whose membership, from what, to what, when. */
export interface MembershipChange {
  at: string;
  userId: string;
  email: string;
  action: (typeof MEMBERSHIP_ACTIONS)[number];
  by: ChangeAuthor;
  before?: MembershipTerms;
  after: MembershipTerms;
}

/** The caller of a request: identity from the token, everything else from the membership. */
export function callerOf(membership: Membership): Caller {
  const { userId, email, tenant, role, organisationId } = membership;
  return { sub: userId, email, tenant, role, organisationId };
}

/** The coordination of a tenant is one organisation, named after it (`caf13-coordination`). */
export const coordinationOf = (tenant: string) => `${tenant}-coordination`;

/**
 * Whether an organisation exists in the tenant's referentiel and fits the role: a gestionnaire
 * belongs to a centre or a fédération, a partenaire to a funder, a prestataire to a consultant
 * firm, a coordinateur to the tenant's coordination.
 */
export function organisationFits(
  role: Role,
  organisationId: string,
  referentiel: Referentiel,
  tenant: string,
): boolean {
  const has = (list: { id: string }[]) => list.some((entry) => entry.id === organisationId);
  switch (role) {
    case 'gestionnaire':
      return has(referentiel.centres) || has(referentiel.federations);
    case 'partenaire':
      return has(referentiel.partenaires);
    case 'prestataire':
      return has(referentiel.prestataires);
    case 'coordinateur':
      return organisationId === coordinationOf(tenant);
  }
}

/** Counts towards the tenant's enabled coordinateurs, of which at least one must remain. */
export const isEnabledCoordinateur = (terms: MembershipTerms | undefined) =>
  terms?.role === 'coordinateur' && terms.enabled;

export const UserIdSchema = z
  .string()
  .check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'Not a user id'));

export const UserSchema = /* @__PURE__ */ z
  .object({
    userId: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    organisationId: z.string(),
    enabled: z.boolean(),
    createdAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'User' });

export type UserView = z.infer<typeof UserSchema>;

/** A membership as the administration shows it (the schema keeps only its fields). */
export const userView = (membership: Membership): UserView => UserSchema.parse(membership);

export const InvitationSchema = /* @__PURE__ */ z
  .strictObject({
    // Cognito takes usernames of at most 128 characters.
    email: z
      .email('Expected an email address')
      .check(z.maxLength(128, 'At most 128 characters'), z.toLowerCase()),
    role: z.enum(ROLES),
    organisationId: refId(),
  })
  .register(z.globalRegistry, { id: 'Invitation' });

export const MembershipPatchSchema = /* @__PURE__ */ z
  .strictObject({
    role: z.optional(z.enum(ROLES)),
    organisationId: z.optional(refId()),
    enabled: z.optional(z.boolean()),
  })
  .check(
    z.refine((patch) => Object.keys(patch).length > 0, 'Give at least one of role, organisationId, enabled'),
  )
  .register(z.globalRegistry, { id: 'MembershipPatch' });

const TermsSchema = z.object({ role: z.enum(ROLES), organisationId: z.string(), enabled: z.boolean() });

export const MembershipChangeSchema = /* @__PURE__ */ z
  .object({
    at: z.string(),
    userId: z.string(),
    email: z.string(),
    action: z.enum(MEMBERSHIP_ACTIONS),
    by: z.object({ userId: z.string(), email: z.string() }),
    before: z.optional(TermsSchema),
    after: TermsSchema,
  })
  .register(z.globalRegistry, { id: 'MembershipChange' });
