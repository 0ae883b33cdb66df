import type { seedUsers } from '../../infra/local/seed-data.ts';
import type { CaseFacts } from './cases.ts';

/**
 * DESIGN.md §2 and §3 restated as data, independently of the code under test: who sees a case,
 * and which events each role may send from which status.
 */

export const FEDERATION_OF: Record<string, string | undefined> = {
  'cs-mistral': 'fed-ifac',
  'cs-calanques': 'fed-ifac',
};

export type TestUser = (typeof seedUsers)[number];

export function sees(user: TestUser, c: CaseFacts): boolean {
  switch (user.role) {
    case 'gestionnaire':
      return user.organisationId === c.centreId || user.organisationId === FEDERATION_OF[c.centreId];
    case 'coordinateur':
      return c.submittedOnce;
    case 'partenaire':
      return c.consulted.includes(user.organisationId);
    case 'prestataire':
      return c.prestataire === user.organisationId;
  }
}

/** DESIGN.md §3: event → [sent by, from statuses]. */
export const EVENT_TABLE: Record<string, [string, string[]]> = {
  SUBMIT_FICHE: ['gestionnaire', ['brouillon']],
  REQUEST_COMPLEMENT: ['coordinateur', ['fiche_transmise']],
  OPEN_SAISINE: ['coordinateur', ['fiche_transmise']],
  GIVE_AVIS: ['partenaire', ['saisine_concertee']],
  ACCEPT: ['coordinateur', ['saisine_concertee']],
  REJECT: ['coordinateur', ['saisine_concertee']],
  SUBMIT_RAPPORT: ['prestataire', ['diagnostic_en_cours']],
  REQUEST_REVISION: ['gestionnaire', ['rapport_a_valider']],
  VALIDATE_RAPPORT: ['gestionnaire', ['rapport_a_valider']],
  RECORD_RESTITUTION: ['prestataire', ['restitution_a_faire']],
  RECORD_RENCONTRE: ['coordinateur', ['rencontre_partenaires']],
  WITHDRAW: ['gestionnaire', ['brouillon', 'fiche_transmise', 'saisine_concertee']],
};

/** The events a user who sees the case may send in its status (sorted). */
export function expectedAllowedEvents(user: TestUser, c: CaseFacts): string[] {
  if (!sees(user, c)) return [];
  return Object.entries(EVENT_TABLE)
    .filter(([, [role, from]]) => role === user.role && from.includes(c.status))
    .map(([type]) => type)
    .sort();
}

/** One cell of an authorization matrix: what DESIGN.md says, and what the API answered. */
export interface Cell {
  route: string;
  user: string;
  subject: string;
  expected: number | boolean;
  actual: number | boolean;
}
