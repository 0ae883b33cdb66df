/**
 * The statuses, event types and avis of the procedure as plain constants, with no schema library:
 * what the console's first screens need, without zod (the schemas are in case.ts).
 */

export const CASE_STATUSES = [
  'brouillon',
  'fiche_transmise',
  'saisine_concertee',
  'diagnostic_en_cours',
  'rapport_a_valider',
  'restitution_a_faire',
  'rencontre_partenaires',
  'cloturee',
  'refusee',
  'abandonnee',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The events a caller sends (`POST /cases/{id}/events`); their bodies are in workflows/. */
export const CASE_EVENT_TYPES = [
  'SUBMIT_FICHE',
  'REQUEST_COMPLEMENT',
  'OPEN_SAISINE',
  'GIVE_AVIS',
  'ACCEPT',
  'REJECT',
  'SUBMIT_RAPPORT',
  'REQUEST_REVISION',
  'VALIDATE_RAPPORT',
  'RECORD_RESTITUTION',
  'RECORD_RENCONTRE',
  'WITHDRAW',
] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

export const AVIS = ['favorable', 'reserve', 'defavorable'] as const;
export type AvisValue = (typeof AVIS)[number];
