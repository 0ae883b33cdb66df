import Mustache from 'mustache';
import type { MailInput } from './mail-input.ts';

/**
 * The mails of DESIGN.md §7, in French, as Mustache templates: for each event its action mail
 * (must act) and its information mail, as the §7 table lists them, then the daily job's reminder,
 * overdue notice and escalation, and the daily digest. Templates see only a `MailInput` (or a
 * `DigestInput`), never the case: no text typed by a user can reach a mail.
 *
 * Data is only ever written with `{{…}}`: Mustache HTML-escapes it in the HTML part; the plain text
 * part and the subject are rendered without escaping, and the subject on one line.
 */

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailTemplate<I> {
  id: string;
  /** Who receives it, for the documentation. */
  recipients: string;
  kind: 'action' | 'information' | 'rappel' | 'retard' | 'escalade' | 'digest';
  subject: string;
  text: string;
  html: string;
  /** Phantom: the input this template renders. */
  readonly input?: I;
}

/** A line of the daily digest: one information mail of the day. */
export interface DigestItem {
  centre: string;
  step: string;
  summary: string;
  link: string;
}

export interface DigestInput {
  /** The day of the digest, in French. */
  day: string;
  items: DigestItem[];
  service: string;
  contact: string;
}

const GREETING = 'Bonjour,';
const FOOTER =
  'Ce message ne contient aucune information confidentielle : le détail du dossier est dans la console Renfort.';
const SIGNATURE = 'Renfort — {{service}} ({{contact}})';

/** The block every case mail ends with: centre, step, what is expected and by when, link. */
const FACTS_TEXT = [
  'Centre : {{centre}}',
  'Étape : {{step}}',
  '{{#expected}}Attendu {{actor}} : {{expected}}{{/expected}}',
  '{{#dueAt}}Échéance : {{dueAt}}{{/dueAt}}',
  'Dossier : {{link}}',
].join('\n');

const FACTS_HTML = [
  '<ul>',
  '<li>Centre : <strong>{{centre}}</strong></li>',
  '<li>Étape : {{step}}</li>',
  '{{#expected}}<li>Attendu {{actor}} : {{expected}}</li>{{/expected}}',
  '{{#dueAt}}<li>Échéance : <strong>{{dueAt}}</strong></li>{{/dueAt}}',
  '<li>Dossier : <a href="{{link}}">{{link}}</a></li>',
  '</ul>',
].join('\n');

function textOf(paragraphs: readonly string[], facts: string): string {
  return `${[GREETING, ...paragraphs, facts, FOOTER, SIGNATURE].join('\n\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

function htmlOf(subject: string, paragraphs: readonly string[], facts: string): string {
  return [
    '<!doctype html>',
    '<html lang="fr">',
    '<head><meta charset="utf-8"><title>',
    subject,
    '</title></head>',
    '<body>',
    `<p>${GREETING}</p>`,
    ...paragraphs.map((p) => `<p>${p}</p>`),
    facts,
    `<p><small>${FOOTER}</small></p>`,
    `<p>${SIGNATURE}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function caseMail(
  id: string,
  kind: MailTemplate<MailInput>['kind'],
  recipients: string,
  subject: string,
  paragraphs: readonly string[],
): MailTemplate<MailInput> {
  return {
    id,
    kind,
    recipients,
    subject,
    text: textOf(paragraphs, FACTS_TEXT),
    html: htmlOf(subject, paragraphs, FACTS_HTML),
  };
}

const CONSOLE = 'Merci de vous connecter à la console Renfort pour consulter le dossier.';

/** Every case mail, by id. */
export const CASE_MAIL_TEMPLATES = {
  'submit-fiche.action': caseMail(
    'submit-fiche.action',
    'action',
    'coordinateur',
    'Renfort — {{centre}} : fiche d’information à instruire avant le {{dueAt}}',
    [
      'Le centre « {{centre}} » a transmis sa fiche d’information. Il vous revient de l’instruire : ouvrir la saisine concertée des partenaires ou demander un complément au centre, avant le {{dueAt}}.',
      CONSOLE,
    ],
  ),
  'submit-fiche.accuse-reception': caseMail(
    'submit-fiche.accuse-reception',
    'information',
    'gestionnaire (accusé de réception, envoyé aussi à qui a transmis la fiche)',
    'Renfort — {{centre}} : accusé de réception de votre fiche d’information',
    [
      'Nous accusons réception de la fiche d’information du centre « {{centre}} », reçue le {{receivedOn}}.',
      'Le service en charge de votre demande est {{service}}, que vous pouvez joindre : {{contact}}. Il l’instruira d’ici le {{dueAt}}.',
    ],
  ),
  'request-complement.action': caseMail(
    'request-complement.action',
    'action',
    'gestionnaire',
    'Renfort — {{centre}} : un complément est demandé sur la fiche d’information',
    [
      'La coordination demande un complément à la fiche d’information du centre « {{centre}} ». Le message de la coordination est dans la console : merci de compléter la fiche puis de la transmettre à nouveau.',
    ],
  ),
  'open-saisine.action': caseMail(
    'open-saisine.action',
    'action',
    'chaque partenaire consulté',
    'Renfort — {{centre}} : votre avis est demandé avant le {{dueAt}}',
    [
      'Votre organisation est consultée dans la saisine concertée sur la demande d’accompagnement du centre « {{centre}} ». Merci de donner votre avis dans la console avant le {{dueAt}}.',
    ],
  ),
  'open-saisine.information': caseMail(
    'open-saisine.information',
    'information',
    'gestionnaire',
    'Renfort — {{centre}} : la saisine concertée des partenaires est ouverte',
    [
      'La coordination a ouvert la saisine concertée des partenaires sur la demande du centre « {{centre}} ». Les partenaires consultés donnent leur avis d’ici le {{dueAt}}.',
    ],
  ),
  'give-avis.information': caseMail(
    'give-avis.information',
    'information',
    'coordinateur',
    'Renfort — {{centre}} : {{avisReceived}} avis sur {{avisRequested}}',
    [
      'Un partenaire consulté a donné son avis sur la demande du centre « {{centre}} » : {{avisReceived}} avis sur {{avisRequested}} sont reçus. La saisine concertée se termine le {{dueAt}}.',
    ],
  ),
  'accept.action': caseMail(
    'accept.action',
    'action',
    'prestataire désigné',
    'Renfort — {{centre}} : diagnostic à réaliser avant le {{dueAt}}',
    [
      'Votre structure est désignée pour réaliser le diagnostic du centre « {{centre}} ». Merci de le commencer et de déposer le rapport dans la console avant le {{dueAt}}.',
    ],
  ),
  'accept.information': caseMail(
    'accept.information',
    'information',
    'gestionnaire, partenaires consultés',
    'Renfort — {{centre}} : l’accompagnement est accordé',
    [
      'La demande d’accompagnement du centre « {{centre}} » est acceptée : un prestataire est désigné et le diagnostic commence. Il est attendu d’ici le {{dueAt}}.',
    ],
  ),
  'reject.information': caseMail(
    'reject.information',
    'information',
    'gestionnaire, partenaires consultés',
    'Renfort — {{centre}} : décision sur la demande d’accompagnement',
    [
      'La coordination a rendu sa décision sur la demande d’accompagnement du centre « {{centre}} » : la demande n’est pas retenue. La décision est consultable dans la console.',
    ],
  ),
  'submit-rapport.action': caseMail(
    'submit-rapport.action',
    'action',
    'gestionnaire',
    'Renfort — {{centre}} : rapport de diagnostic à valider avant le {{dueAt}}',
    [
      'Le prestataire a déposé le rapport de diagnostic du centre « {{centre}} ». Merci de le lire dans la console, puis de le valider ou de demander une révision, avant le {{dueAt}}.',
    ],
  ),
  'request-revision.action': caseMail(
    'request-revision.action',
    'action',
    'prestataire désigné',
    'Renfort — {{centre}} : révision du rapport demandée avant le {{dueAt}}',
    [
      'Le centre « {{centre}} » demande une révision du rapport de diagnostic. Sa demande est dans la console : merci de déposer le rapport révisé avant le {{dueAt}}.',
    ],
  ),
  'validate-rapport.action': caseMail(
    'validate-rapport.action',
    'action',
    'prestataire désigné',
    'Renfort — {{centre}} : restitution à organiser avant le {{dueAt}}',
    [
      'Le centre « {{centre}} » a validé le rapport de diagnostic. Merci d’organiser la restitution et de l’enregistrer dans la console avant le {{dueAt}}.',
    ],
  ),
  'validate-rapport.information': caseMail(
    'validate-rapport.information',
    'information',
    'coordinateur, partenaires consultés',
    'Renfort — {{centre}} : le rapport de diagnostic est disponible',
    [
      'Le rapport de diagnostic du centre « {{centre}} » est validé et disponible dans la console. La restitution est attendue d’ici le {{dueAt}}.',
    ],
  ),
  'record-restitution.action': caseMail(
    'record-restitution.action',
    'action',
    'coordinateur, si une rencontre suit',
    'Renfort — {{centre}} : rencontre des partenaires à organiser avant le {{dueAt}}',
    [
      'La restitution du diagnostic du centre « {{centre}} » a eu lieu et une rencontre des partenaires doit suivre. Merci de l’organiser et de l’enregistrer dans la console avant le {{dueAt}}.',
    ],
  ),
  'record-restitution.information': caseMail(
    'record-restitution.information',
    'information',
    'gestionnaire ; coordinateur si le dossier est clôturé ; partenaires consultés si une rencontre suit',
    'Renfort — {{centre}} : la restitution du diagnostic a eu lieu',
    [
      'La restitution du diagnostic du centre « {{centre}} » est enregistrée.{{#rencontreFollows}} Une rencontre des partenaires suivra, d’ici le {{dueAt}}.{{/rencontreFollows}}{{#closed}} Le dossier est clôturé.{{/closed}}',
    ],
  ),
  'record-rencontre.information': caseMail(
    'record-rencontre.information',
    'information',
    'gestionnaire, partenaires consultés, prestataire désigné',
    'Renfort — {{centre}} : la rencontre des partenaires a eu lieu, dossier clôturé',
    [
      'La rencontre des partenaires sur le dossier du centre « {{centre}} » est enregistrée. Le dossier est clôturé.',
    ],
  ),
  'withdraw.information': caseMail(
    'withdraw.information',
    'information',
    'coordinateur s’il a vu le dossier, partenaires consultés, prestataire désigné',
    'Renfort — {{centre}} : la demande d’accompagnement est retirée',
    ['Le centre « {{centre}} » a retiré sa demande d’accompagnement. Aucune action n’est plus attendue.'],
  ),
  rappel: caseMail(
    'rappel',
    'rappel',
    'qui doit agir, deux jours avant l’échéance (pour un avis : les partenaires consultés qui ne l’ont pas donné)',
    'Renfort — {{centre}} : rappel, échéance le {{dueAt}}',
    [
      'Pour rappel, l’étape « {{step}} » du dossier du centre « {{centre}} » arrive à échéance le {{dueAt}} et votre action est attendue : {{expected}}.',
    ],
  ),
  retard: caseMail(
    'retard',
    'retard',
    'qui doit agir, le premier jour de retard',
    'Renfort — {{centre}} : échéance dépassée ({{dueAt}})',
    [
      'L’étape « {{step}} » du dossier du centre « {{centre}} » devait être achevée le {{dueAt}} : cette échéance est dépassée. Votre action est attendue dès que possible : {{expected}}.',
      'La coordination en est informée.',
    ],
  ),
  escalade: caseMail(
    'escalade',
    'escalade',
    'coordinateur, le premier jour de retard (sauf si c’est lui qui doit agir)',
    'Renfort — {{centre}} : retard à l’étape « {{step}} »',
    [
      'L’étape « {{step}} » du dossier du centre « {{centre}} » devait être achevée le {{dueAt}} : cette échéance est dépassée.',
      '{{#avisRequested}}{{avisReceived}} avis sur {{avisRequested}} sont reçus. {{/avisRequested}}Vous pouvez relancer les intéressés depuis la console.',
    ],
  ),
} as const satisfies Record<string, MailTemplate<MailInput>>;

export type CaseMailTemplateId = keyof typeof CASE_MAIL_TEMPLATES;

const DIGEST_SUBJECT = 'Renfort — les nouvelles de vos dossiers du {{day}}';
const DIGEST_INTRO = 'Voici les informations du {{day}} sur les dossiers que vous suivez :';

/** The daily digest: one line per information mail of the day (centre, step, what happened, link). */
export const DIGEST_TEMPLATE: MailTemplate<DigestInput> = {
  id: 'digest',
  kind: 'digest',
  recipients: 'chaque utilisateur ayant choisi le récapitulatif quotidien, à 8 h',
  subject: DIGEST_SUBJECT,
  text: `${[
    GREETING,
    DIGEST_INTRO,
    '{{#items}}- {{centre}} — {{step}} — {{summary}} : {{link}}\n{{/items}}',
    FOOTER,
    SIGNATURE,
  ].join('\n\n')}\n`,
  html: htmlOf(
    DIGEST_SUBJECT,
    [DIGEST_INTRO],
    '<ul>\n{{#items}}<li><strong>{{centre}}</strong> — {{step}} — {{summary}} : <a href="{{link}}">{{link}}</a></li>\n{{/items}}</ul>',
  ),
};

/** The short line a digest shows for an information mail: its subject without the prefix. */
export function digestItemOf(template: MailTemplate<MailInput>, input: MailInput): DigestItem {
  const subject = renderMail(template, input).subject.replace(/^Renfort — [^:]*: /, '');
  return { centre: input.centre, step: input.step, summary: subject, link: input.link };
}

const raw = (value: string): string => value;

/** One line, no control characters: a subject is a mail header. */
function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029\s]+/g, ' ').trim();
}

/**
 * Renders a template: the HTML part escaped by Mustache, the text part and the subject verbatim
 * (a plain-text mail has nothing to escape), the subject on one line.
 */
export function renderMail<I>(template: MailTemplate<I>, input: I): RenderedMail {
  const view = input as unknown as Record<string, unknown>;
  return {
    subject: oneLine(Mustache.render(template.subject, view, {}, { escape: raw })),
    text: Mustache.render(template.text, view, {}, { escape: raw }),
    html: Mustache.render(template.html, view),
  };
}
