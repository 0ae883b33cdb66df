import type { AvisValue } from '../../../../shared/domain/case.ts';
import type { DocumentKind } from '../../../../shared/domain/document.ts';
import { ALLOWED_TYPES } from '../../../../shared/domain/file-types.ts';
import type { MailLogEntry } from '../../../../shared/domain/mail-log.ts';
import type { Referentiel } from '../../../../shared/domain/referentiel.ts';

/** The case screen's words: what happened (history, mails), kinds of documents, avis, sizes. */

/** What each history event says happened, in the past tense (the buttons use EVENT_LABELS). */
export const HISTORY_LABELS: Readonly<Record<string, string>> = {
  CASE_CREATED: 'Dossier créé',
  UPDATE_FICHE: 'Fiche modifiée',
  SUBMIT_FICHE: 'Fiche transmise',
  REQUEST_COMPLEMENT: 'Complément demandé',
  OPEN_SAISINE: 'Saisine concertée ouverte',
  GIVE_AVIS: 'Avis donné',
  ACCEPT: 'Demande acceptée',
  REJECT: 'Demande refusée',
  SUBMIT_RAPPORT: 'Rapport déposé',
  REQUEST_REVISION: 'Révision du rapport demandée',
  VALIDATE_RAPPORT: 'Rapport validé',
  RECORD_RESTITUTION: 'Restitution enregistrée',
  RECORD_RENCONTRE: 'Rencontre des partenaires enregistrée',
  WITHDRAW: 'Demande retirée',
};

export const AVIS_LABELS: Readonly<Record<AvisValue, string>> = {
  favorable: 'Favorable',
  reserve: 'Réservé',
  defavorable: 'Défavorable',
};

export const KIND_LABELS: Readonly<Record<DocumentKind, string>> = {
  piece_jointe: 'Pièce jointe',
  rapport: 'Rapport',
  compte_rendu: 'Compte rendu',
};

export const MAIL_KIND_LABELS: Readonly<Record<MailLogEntry['kind'], string>> = {
  action: 'Action attendue',
  information: 'Information',
  rappel: 'Rappel d’échéance',
  retard: 'Avis de retard',
  escalade: 'Signalement de retard',
  digest: 'Récapitulatif quotidien',
};

export const MAIL_STATUS_LABELS: Readonly<Record<MailLogEntry['status'], string>> = {
  pending: 'En attente d’envoi',
  sent: 'Envoyé',
  failed: 'Échec de l’envoi',
  digest: 'Dans le récapitulatif quotidien',
};

/** `open-saisine.action` → `Saisine concertée ouverte`; the daily job's mails by their kind. */
export function mailSubject(template: string): string {
  if (template === 'submit-fiche.accuse-reception') return 'Accusé de réception de la fiche';
  const event = template.split('.')[0]?.toUpperCase().replaceAll('-', '_') ?? '';
  return HISTORY_LABELS[event] ?? MAIL_KIND_LABELS[template as MailLogEntry['kind']] ?? template;
}

/** The accepted types, as users know them: `PDF, DOCX, … ou JPEG`. */
const TYPE_NAMES = Object.values(ALLOWED_TYPES).map((t) => t.label);
export const ACCEPTED_TYPES_TEXT = `${TYPE_NAMES.slice(0, -1).join(', ')} ou ${TYPE_NAMES.at(-1)}`;
/** The `accept` attribute of file inputs: the extensions and the types. */
export const ACCEPT_ATTRIBUTE = Object.entries(ALLOWED_TYPES)
  .flatMap(([type, t]) => [type, ...t.extensions.map((e) => `.${e}`)])
  .join(',');

const NUMBER = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** A size as users read it: `850 octets`, `12,5 Ko`, `3,2 Mo`. */
export function frenchSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} octets`;
  if (bytes < 1024 * 1024) return `${NUMBER.format(bytes / 1024)} Ko`;
  return `${NUMBER.format(bytes / (1024 * 1024))} Mo`;
}

/** The name of anything of the referentiel (centre, fédération, partenaire, prestataire), else its id. */
export function nameIn(referentiel: Referentiel | undefined, id: string): string {
  return knownName(referentiel, id) ?? id;
}

/** The name of anything of the referentiel, or undefined when it does not know this id. */
export function knownName(referentiel: Referentiel | undefined, id: string): string | undefined {
  if (!referentiel) return undefined;
  for (const list of [
    referentiel.centres,
    referentiel.federations,
    referentiel.partenaires,
    referentiel.prestataires,
  ]) {
    const found = list.find((item) => item.id === id);
    if (found) return found.nom;
  }
  return undefined;
}

/** The partenaires as users look for them: the État, the Région, the Département and the Caf, then the communes. */
export function byCategory(partenaires: Referentiel['partenaires']): { value: string; label: string }[] {
  return [...partenaires]
    .sort(
      (a, b) =>
        Number(a.categorie === 'commune') - Number(b.categorie === 'commune') ||
        a.nom.localeCompare(b.nom, 'fr'),
    )
    .map((p) => ({ value: p.id, label: p.nom }));
}
