import type { Role } from '../../../../shared/domain/caller.ts';
import type { Referentiel, ReferentielKind } from '../../../../shared/domain/referentiel.ts';

export interface Organisation {
  id: string;
  nom: string;
}

export interface OrganisationGroup {
  label: string;
  items: Organisation[];
}

const GROUP_LABELS: Readonly<Record<ReferentielKind, string>> = {
  centres: 'Centres sociaux',
  federations: 'Fédérations',
  partenaires: 'Partenaires financeurs',
  prestataires: 'Prestataires',
};

/**
 * Where each role belongs, as the API's `organisationFits` says (shared/domain/membership.ts): a
 * gestionnaire to a centre or a fédération, a partenaire to a funder, a prestataire to a consultant
 * firm; a coordinateur to the coordination, which is the administrator's own organisation. The API
 * still decides (422): this only spares the coordinateur choices it would refuse.
 */
const KINDS_OF_ROLE: Readonly<Record<Exclude<Role, 'coordinateur'>, readonly ReferentielKind[]>> = {
  gestionnaire: ['centres', 'federations'],
  partenaire: ['partenaires'],
  prestataire: ['prestataires'],
};

export const COORDINATION_NAME = 'Coordination de la Caf';

/** The organisations a user of this role may belong to, grouped as the referentiel lists them. */
export function organisationChoices(
  role: Role | '',
  referentiel: Referentiel,
  coordinationId: string,
): OrganisationGroup[] {
  if (role === '') return [];
  if (role === 'coordinateur') {
    return [{ label: 'Coordination', items: [{ id: coordinationId, nom: COORDINATION_NAME }] }];
  }
  return KINDS_OF_ROLE[role].map((kind) => ({ label: GROUP_LABELS[kind], items: referentiel[kind] }));
}

/** An organisation's name, from the referentiel (its id when the referentiel does not know it). */
export function organisationName(
  id: string,
  referentiel: Referentiel | undefined,
  coordinationId: string,
): string {
  if (id === coordinationId) return COORDINATION_NAME;
  if (!referentiel) return id;
  const { centres, federations, partenaires, prestataires } = referentiel;
  return [...centres, ...federations, ...partenaires, ...prestataires].find((o) => o.id === id)?.nom ?? id;
}
