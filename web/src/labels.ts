import type { CaseEventType, CaseStatus } from '../../shared/domain/case.ts';

/** The words of the procedure, as its users say them. */

export const STATUS_LABELS: Readonly<Record<CaseStatus, string>> = {
  brouillon: 'Fiche en préparation',
  fiche_transmise: 'Fiche transmise',
  saisine_concertee: 'Saisine concertée',
  diagnostic_en_cours: 'Diagnostic en cours',
  rapport_a_valider: 'Rapport à valider',
  restitution_a_faire: 'Restitution à faire',
  rencontre_partenaires: 'Rencontre des partenaires',
  cloturee: 'Clôturé',
  refusee: 'Refusé',
  abandonnee: 'Retiré',
};

/** The five steps of the procedure, and the statuses that belong to each. */
export const STEPS: readonly { label: string; statuses: readonly CaseStatus[] }[] = [
  { label: 'Fiche d’information', statuses: ['brouillon', 'fiche_transmise'] },
  { label: 'Saisine concertée', statuses: ['saisine_concertee'] },
  { label: 'Diagnostic flash', statuses: ['diagnostic_en_cours'] },
  { label: 'Validation du rapport', statuses: ['rapport_a_valider'] },
  { label: 'Restitution', statuses: ['restitution_a_faire', 'rencontre_partenaires', 'cloturee'] },
];

export const EVENT_LABELS: Readonly<Record<CaseEventType, string>> = {
  SUBMIT_FICHE: 'Transmettre la fiche',
  REQUEST_COMPLEMENT: 'Demander un complément',
  OPEN_SAISINE: 'Ouvrir la saisine concertée',
  GIVE_AVIS: 'Donner un avis',
  ACCEPT: 'Accepter la demande',
  REJECT: 'Refuser la demande',
  SUBMIT_RAPPORT: 'Déposer le rapport',
  REQUEST_REVISION: 'Demander une révision',
  VALIDATE_RAPPORT: 'Valider le rapport',
  RECORD_RESTITUTION: 'Enregistrer la restitution',
  RECORD_RENCONTRE: 'Enregistrer la rencontre',
  WITHDRAW: 'Retirer la demande',
};

export const ROLE_LABELS: Readonly<Record<string, string>> = {
  gestionnaire: 'Gestionnaire (centre ou fédération)',
  coordinateur: 'Coordination (Caf)',
  partenaire: 'Partenaire financeur',
  prestataire: 'Prestataire',
};

const DATE = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/Paris',
});
const DATE_TIME = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Paris',
});

/** `2026-03-14` → `14 mars 2026`. */
export function frenchDay(day: string): string {
  return DATE.format(new Date(`${day}T12:00:00Z`));
}

/** An instant, as a date and time in Paris. */
export function frenchInstant(at: string): string {
  return DATE_TIME.format(new Date(at));
}
