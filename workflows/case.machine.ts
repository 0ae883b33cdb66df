import { and, assertEvent, assign, enqueueActions, setup } from 'xstate';
import type { Audience, AvisEntry, CaseContext, CaseEventType, Notification } from '../shared/domain/case.ts';
import type { FicheDraft } from '../shared/domain/fiche.schema.ts';
import type { CaseMachineEvent } from './case-events.schema.ts';
import { checks, sentByItsSender } from './case-rules.ts';

/**
 * The procedure of DESIGN.md §3 as a pure XState machine. It performs no I/O: the use case
 * hands it the persisted snapshot and an event carrying its sender's relation to the case and
 * the facts its guards need (known partner ids, the referenced document), and gets back the
 * next snapshot and the effects to carry out (notifications), as data.
 */

export interface CaseInput {
  centreId: string;
  federationId?: string;
  fiche: FicheDraft;
}

export type { Audience, Notification };

const notify = (template: CaseEventType, ...to: Audience[]) => ({
  type: 'notify' as const,
  params: { template, to } satisfies Notification,
});

/**
 * The machine. Built by a call marked pure, so that a bundle which imports the policy but never
 * runs the machine (the mail functions) leaves it out, and xstate with it.
 */
export const caseMachine = /* @__PURE__ */ createCaseMachine();

function createCaseMachine() {
  return setup({
    types: {
      context: {} as CaseContext,
      events: {} as CaseMachineEvent,
      input: {} as CaseInput,
    },
    guards: {
      sentByItsSender: ({ event }) => sentByItsSender(event),
      ficheIsComplete: ({ context }) => checks.SUBMIT_FICHE(context).length === 0,
      partenairesAreKnown: ({ context, event }) => checks.OPEN_SAISINE(context, event).length === 0,
      hasFavorableAvisAndKnownPrestataire: ({ context, event }) => checks.ACCEPT(context, event).length === 0,
      rapportIsAvailable: ({ context, event }) => checks.SUBMIT_RAPPORT(context, event).length === 0,
      wasSubmitted: ({ context }) => context.submittedOnce,
      rencontreRequested: ({ event }) => event.type === 'RECORD_RESTITUTION' && event.rencontrePartenaires,
    },
    actions: {
      /** Carried out by the adapter after the commit (outbox); a no-op inside the machine. */
      notify: (_, _params: Notification) => {},
      updateFiche: assign({
        fiche: ({ event }) => {
          assertEvent(event, 'UPDATE_FICHE');
          return event.fiche;
        },
      }),
      markSubmitted: assign({ submittedOnce: true }),
      openSaisine: assign({
        consultedPartenaireIds: ({ event }) => {
          assertEvent(event, 'OPEN_SAISINE');
          return event.partenaireIds ?? event.facts?.defaultPartenaireIds ?? [];
        },
        avis: {},
      }),
      recordAvis: assign({
        avis: ({ context, event }) => {
          assertEvent(event, 'GIVE_AVIS');
          const entry: AvisEntry = {
            avis: event.avis,
            at: event.at,
            ...(event.commentaire && { commentaire: event.commentaire }),
          };
          return { ...context.avis, [event.actor.organisationId]: entry };
        },
      }),
      accept: assign(({ event }) => {
        assertEvent(event, 'ACCEPT');
        return {
          prestataireId: event.prestataireId,
          decision: { outcome: 'accepted' as const, at: event.at },
        };
      }),
      refuse: assign({
        decision: ({ event }) => {
          assertEvent(event, 'REJECT');
          return { outcome: 'refused' as const, motif: event.motif, at: event.at };
        },
      }),
      recordRapportSubmission: assign({
        rapport: ({ context, event }) => {
          assertEvent(event, 'SUBMIT_RAPPORT');
          return {
            ...context.rapport,
            submittedDocumentId: event.documentId,
            submittedDocumentIds: [...context.rapport.submittedDocumentIds, event.documentId],
            submissions: context.rapport.submissions + 1,
          };
        },
      }),
      recordRevisionRequest: assign({
        rapport: ({ context }) => ({ ...context.rapport, revisions: context.rapport.revisions + 1 }),
      }),
      recordValidation: assign({
        rapport: ({ context }) => ({
          ...context.rapport,
          validatedDocumentId: context.rapport.submittedDocumentId,
        }),
      }),
      recordRestitution: assign({
        restitution: ({ event }) => {
          assertEvent(event, 'RECORD_RESTITUTION');
          const { date, rencontrePartenaires, compteRendu } = event;
          return { date, rencontrePartenaires, ...(compteRendu && { compteRendu }) };
        },
      }),
      recordRencontre: assign({
        rencontre: ({ event }) => {
          assertEvent(event, 'RECORD_RENCONTRE');
          return { date: event.date, ...(event.compteRendu && { compteRendu: event.compteRendu }) };
        },
      }),
      recordWithdrawal: assign({
        withdrawal: ({ event }) => {
          assertEvent(event, 'WITHDRAW');
          return { at: event.at, ...(event.motif && { motif: event.motif }) };
        },
      }),
    },
  }).createMachine({
    id: 'case',
    initial: 'brouillon',
    context: ({ input }) => ({
      centreId: input.centreId,
      ...(input.federationId && { federationId: input.federationId }),
      fiche: input.fiche,
      submittedOnce: false,
      consultedPartenaireIds: [],
      avis: {},
      rapport: { submittedDocumentIds: [], submissions: 0, revisions: 0 },
    }),
    states: {
      brouillon: {
        on: {
          UPDATE_FICHE: { guard: 'sentByItsSender', actions: 'updateFiche' },
          SUBMIT_FICHE: {
            guard: and(['sentByItsSender', 'ficheIsComplete']),
            target: 'fiche_transmise',
            actions: ['markSubmitted', notify('SUBMIT_FICHE', 'coordination', 'gestionnaire')],
          },
          WITHDRAW: {
            guard: 'sentByItsSender',
            target: 'abandonnee',
            // The coordination hears of a withdrawal only if it ever saw the case (DESIGN.md §2).
            actions: [
              'recordWithdrawal',
              enqueueActions(({ check, enqueue }) => {
                if (check('wasSubmitted')) enqueue(notify('WITHDRAW', 'coordination'));
              }),
            ],
          },
        },
      },
      fiche_transmise: {
        on: {
          REQUEST_COMPLEMENT: {
            guard: 'sentByItsSender',
            target: 'brouillon',
            actions: notify('REQUEST_COMPLEMENT', 'gestionnaire'),
          },
          OPEN_SAISINE: {
            guard: and(['sentByItsSender', 'partenairesAreKnown']),
            target: 'saisine_concertee',
            actions: ['openSaisine', notify('OPEN_SAISINE', 'consulted-partenaires', 'gestionnaire')],
          },
          WITHDRAW: {
            guard: 'sentByItsSender',
            target: 'abandonnee',
            actions: ['recordWithdrawal', notify('WITHDRAW', 'coordination')],
          },
        },
      },
      saisine_concertee: {
        on: {
          GIVE_AVIS: {
            guard: 'sentByItsSender',
            actions: ['recordAvis', notify('GIVE_AVIS', 'coordination')],
          },
          ACCEPT: {
            guard: and(['sentByItsSender', 'hasFavorableAvisAndKnownPrestataire']),
            target: 'diagnostic_en_cours',
            actions: ['accept', notify('ACCEPT', 'gestionnaire', 'prestataire', 'consulted-partenaires')],
          },
          REJECT: {
            guard: 'sentByItsSender',
            target: 'refusee',
            actions: ['refuse', notify('REJECT', 'gestionnaire', 'consulted-partenaires')],
          },
          WITHDRAW: {
            guard: 'sentByItsSender',
            target: 'abandonnee',
            actions: ['recordWithdrawal', notify('WITHDRAW', 'coordination', 'consulted-partenaires')],
          },
        },
      },
      diagnostic_en_cours: {
        on: {
          SUBMIT_RAPPORT: {
            guard: and(['sentByItsSender', 'rapportIsAvailable']),
            target: 'rapport_a_valider',
            actions: ['recordRapportSubmission', notify('SUBMIT_RAPPORT', 'gestionnaire')],
          },
        },
      },
      rapport_a_valider: {
        on: {
          REQUEST_REVISION: {
            guard: 'sentByItsSender',
            target: 'diagnostic_en_cours',
            actions: ['recordRevisionRequest', notify('REQUEST_REVISION', 'prestataire')],
          },
          VALIDATE_RAPPORT: {
            guard: 'sentByItsSender',
            target: 'restitution_a_faire',
            actions: [
              'recordValidation',
              notify('VALIDATE_RAPPORT', 'coordination', 'consulted-partenaires', 'prestataire'),
            ],
          },
        },
      },
      restitution_a_faire: {
        on: {
          RECORD_RESTITUTION: [
            {
              guard: and(['sentByItsSender', 'rencontreRequested']),
              target: 'rencontre_partenaires',
              actions: [
                'recordRestitution',
                notify('RECORD_RESTITUTION', 'coordination', 'gestionnaire', 'consulted-partenaires'),
              ],
            },
            {
              guard: 'sentByItsSender',
              target: 'cloturee',
              actions: ['recordRestitution', notify('RECORD_RESTITUTION', 'coordination', 'gestionnaire')],
            },
          ],
        },
      },
      rencontre_partenaires: {
        on: {
          RECORD_RENCONTRE: {
            guard: 'sentByItsSender',
            target: 'cloturee',
            actions: [
              'recordRencontre',
              notify('RECORD_RENCONTRE', 'gestionnaire', 'consulted-partenaires', 'prestataire'),
            ],
          },
        },
      },
      cloturee: { type: 'final' },
      refusee: { type: 'final' },
      abandonnee: { type: 'final' },
    },
  });
}
