import type { Audience, CaseEventType, Notification } from '../domain/case.ts';
import type { MailFacts } from './mail-input.ts';
import { CASE_MAIL_TEMPLATES, type CaseMailTemplateId } from './templates.ts';

/**
 * Which mail each audience of a notification gets (DESIGN.md §7): the action mail for whoever must
 * act next, the information mail for the others. Pure.
 */

/** One mail to send for a notification: its template, to whom, and whether the author gets it too. */
export interface PlannedMail {
  templateId: CaseMailTemplateId;
  audience: Audience;
  kind: 'action' | 'information';
  /** Only the accusé de réception goes to the author of the change as well. */
  includesAuthor: boolean;
  /**
   * May wait for the recipient's daily digest: the information mails, but for the accusé de
   * réception, whose date of receipt and service in charge a digest line would not carry.
   */
  digestible: boolean;
}

/** Who must act after each event (the action mail); every other audience is informed. */
const ACTING: Readonly<Partial<Record<CaseEventType, Audience>>> = {
  SUBMIT_FICHE: 'coordination',
  REQUEST_COMPLEMENT: 'gestionnaire',
  OPEN_SAISINE: 'consulted-partenaires',
  ACCEPT: 'prestataire',
  SUBMIT_RAPPORT: 'gestionnaire',
  REQUEST_REVISION: 'prestataire',
  VALIDATE_RAPPORT: 'prestataire',
  RECORD_RESTITUTION: 'coordination',
};

const kebab = (type: CaseEventType) => type.toLowerCase().replaceAll('_', '-');

function acts(notification: Notification, audience: Audience, facts: MailFacts): boolean {
  if (ACTING[notification.template] !== audience) return false;
  // After a restitution the coordinateur acts only if a rencontre des partenaires follows.
  return notification.template !== 'RECORD_RESTITUTION' || facts.status === 'rencontre_partenaires';
}

export function plannedMails(notification: Notification, facts: MailFacts): PlannedMail[] {
  return notification.to.map((audience) => {
    const kind = acts(notification, audience, facts) ? 'action' : 'information';
    const receipt = notification.template === 'SUBMIT_FICHE' && kind === 'information';
    const templateId = (
      receipt ? 'submit-fiche.accuse-reception' : `${kebab(notification.template)}.${kind}`
    ) as CaseMailTemplateId;
    if (!(templateId in CASE_MAIL_TEMPLATES)) throw new RangeError(`No mail ${templateId}`);
    return {
      templateId,
      audience,
      kind,
      includesAuthor: receipt,
      digestible: kind === 'information' && !receipt,
    };
  });
}
