export const ROLES = ['gestionnaire', 'coordinateur', 'partenaire', 'prestataire'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: identity from the token, membership (role, organisation, tenant) from its claims. */
export interface Caller {
  sub: string;
  email: string;
  tenant: string;
  role: Role;
  organisationId: string;
}
