import { describe, expect, it } from 'vitest';
import type { CaseStatus, PersistedCase } from '../../../shared/domain/case.ts';
import type { Audience } from '../../../workflows/case.machine.ts';
import type { CaseEventBody, CaseMachineEvent } from '../../../workflows/case-events.schema.ts';
import { explainRefusal, sentByItsSender } from '../../../workflows/case-rules.ts';
import { applyEvent, type EventOutcome } from '../../../workflows/case-workflow.ts';
import {
  AT,
  actors,
  applyAll,
  CONSULTED,
  caseIn,
  completeFiche,
  deepFreeze,
  event,
  newCase,
  rapportDocument,
  relationOf,
  TILLEULS_DEFAULT_PARTENAIRE_IDS,
} from '../../helpers/case-fixtures.ts';

const next = (outcome: EventOutcome): PersistedCase => {
  if (!outcome.applied) throw new Error(`Expected the event to be applied: ${JSON.stringify(outcome)}`);
  return outcome.next;
};

const violationsOf = (outcome: EventOutcome) => (outcome.applied ? 'applied' : outcome.violations);

describe('SUBMIT_FICHE needs a complete fiche', () => {
  const submit = event({ type: 'SUBMIT_FICHE' }, actors.gestionnaire);

  it('lists every missing required field of an empty fiche and stays in brouillon', () => {
    const draft = newCase({ fiche: {} });

    const outcome = applyEvent(draft, submit);

    expect(violationsOf(outcome)).toEqual(
      ['nature', 'domaines', 'signesAlerte', 'demandeur.nom', 'demandeur.qualite', 'demandeur.email'].map(
        (field) => ({ path: `fiche.${field}`, message: 'Required to submit the fiche' }),
      ),
    );
  });

  it('lists only the fields still missing', () => {
    const fiche = completeFiche({ demandeur: { nom: 'Claire Martin' }, signesAlerte: undefined });

    const outcome = applyEvent(newCase({ fiche }), submit);

    expect(violationsOf(outcome)).toEqual([
      { path: 'fiche.signesAlerte', message: 'Required to submit the fiche' },
      { path: 'fiche.demandeur.qualite', message: 'Required to submit the fiche' },
      { path: 'fiche.demandeur.email', message: 'Required to submit the fiche' },
    ]);
  });

  it('requires domaineAutre when domaines has "autre"', () => {
    const fiche = completeFiche({ domaines: ['gouvernance', 'autre'] });

    const outcome = applyEvent(newCase({ fiche }), submit);

    expect(violationsOf(outcome)).toEqual([
      { path: 'fiche.domaineAutre', message: 'Required to submit the fiche' },
    ]);
  });

  it('accepts "autre" with its domaineAutre, and no domaineAutre without "autre"', () => {
    const withAutre = completeFiche({ domaines: ['autre'], domaineAutre: 'Relations avec la mairie' });
    const withoutAutre = completeFiche({ domaines: ['ressources_humaines'] });

    const first = applyEvent(newCase({ fiche: withAutre }), submit);
    const second = applyEvent(newCase({ fiche: withoutAutre }), submit);

    expect(next(first).status).toBe('fiche_transmise');
    expect(next(second).status).toBe('fiche_transmise');
  });

  it('marks the case as submitted once, which REQUEST_COMPLEMENT does not undo', () => {
    const submitted = next(applyEvent(newCase(), submit));
    const complement = event({ type: 'REQUEST_COMPLEMENT', message: 'Précisez' }, actors.coordinateur);

    const back = next(applyEvent(submitted, complement));

    expect(submitted.context.submittedOnce).toBe(true);
    expect(back).toMatchObject({ status: 'brouillon', context: { submittedOnce: true } });
    expect(next(applyEvent(back, submit)).status).toBe('fiche_transmise');
  });
});

describe('OPEN_SAISINE consults known partenaires', () => {
  const open = (partenaireIds?: string[]) =>
    event({ type: 'OPEN_SAISINE', ...(partenaireIds && { partenaireIds }) }, actors.coordinateur);

  it('refuses unknown partner ids, naming the index of each', () => {
    const outcome = applyEvent(
      caseIn('fiche_transmise'),
      open(['caf13', 'commune-atlantis', 'etat', 'singuliers-co']),
    );

    expect(violationsOf(outcome)).toEqual([
      { path: 'body.partenaireIds.1', message: 'Unknown partenaire commune-atlantis' },
      { path: 'body.partenaireIds.3', message: 'Unknown partenaire singuliers-co' },
    ]);
  });

  it('consults exactly the partners named', () => {
    const saisine = next(applyEvent(caseIn('fiche_transmise'), open(['commune-vitrolles', 'region'])));

    expect(saisine.context.consultedPartenaireIds).toEqual(['commune-vitrolles', 'region']);
    expect(saisine.context.avis).toEqual({});
  });

  it('consults the default partners of the facts when no id is given', () => {
    const saisine = next(applyEvent(caseIn('fiche_transmise'), open()));

    expect(saisine).toMatchObject({
      status: 'saisine_concertee',
      context: { consultedPartenaireIds: TILLEULS_DEFAULT_PARTENAIRE_IDS },
    });
  });
});

describe('GIVE_AVIS keeps one avis per partner', () => {
  it('records the avis of a consulted partner under its id', () => {
    const avis = event({ type: 'GIVE_AVIS', avis: 'reserve', commentaire: 'Prudence' }, actors.etat, {
      at: '2026-03-05T10:00:00.000Z',
    });

    const after = next(applyEvent(caseIn('saisine_concertee'), avis));

    expect(after.context.avis).toEqual({
      etat: { avis: 'reserve', commentaire: 'Prudence', at: '2026-03-05T10:00:00.000Z' },
    });
  });

  it('replaces a partner’s avis with its newest one, leaving the others alone', () => {
    const current = applyAll(caseIn('saisine_concertee'), [
      event({ type: 'GIVE_AVIS', avis: 'favorable', commentaire: 'Oui' }, actors.caf13, {
        at: '2026-03-05T10:00:00Z',
      }),
      event({ type: 'GIVE_AVIS', avis: 'reserve' }, actors.etat, { at: '2026-03-05T11:00:00Z' }),
    ]);

    const after = next(
      applyEvent(
        current,
        event({ type: 'GIVE_AVIS', avis: 'defavorable' }, actors.caf13, { at: '2026-03-06T09:00:00Z' }),
      ),
    );

    expect(after.context.avis).toEqual({
      caf13: { avis: 'defavorable', at: '2026-03-06T09:00:00Z' },
      etat: { avis: 'reserve', at: '2026-03-05T11:00:00Z' },
    });
  });
});

describe('ACCEPT needs a favorable avis and a known prestataire', () => {
  const accept = (prestataireId: string) => event({ type: 'ACCEPT', prestataireId }, actors.coordinateur);
  const withAvis = (...avis: ('favorable' | 'reserve' | 'defavorable')[]) =>
    applyAll(
      caseIn('saisine_concertee'),
      avis.map((a, i) =>
        event(
          { type: 'GIVE_AVIS', avis: a },
          [actors.caf13, actors.etat, actors.marseille][i] ?? actors.caf13,
        ),
      ),
    );
  const noFavorable = { path: 'avis', message: 'At least one favorable avis is needed to accept' };
  const unknownFirm = { path: 'body.prestataireId', message: 'Unknown prestataire cabinet-z' };

  it('refuses without any favorable avis, even with a known prestataire', () => {
    expect(violationsOf(applyEvent(withAvis('reserve', 'defavorable'), accept('cabinet-b')))).toEqual([
      noFavorable,
    ]);
    expect(violationsOf(applyEvent(withAvis(), accept('cabinet-b')))).toEqual([noFavorable]);
  });

  it('refuses an unknown prestataire, even with a favorable avis', () => {
    expect(violationsOf(applyEvent(withAvis('favorable'), accept('cabinet-z')))).toEqual([unknownFirm]);
  });

  it('lists both reasons when both are missing', () => {
    expect(violationsOf(applyEvent(withAvis('defavorable'), accept('cabinet-z')))).toEqual([
      noFavorable,
      unknownFirm,
    ]);
  });

  it('no longer counts a favorable avis its partner has replaced', () => {
    const current = applyAll(withAvis('favorable'), [
      event({ type: 'GIVE_AVIS', avis: 'reserve' }, actors.caf13),
    ]);

    expect(violationsOf(applyEvent(current, accept('cabinet-b')))).toEqual([noFavorable]);
  });

  it('assigns the prestataire and records the decision', () => {
    const after = next(applyEvent(withAvis('defavorable', 'favorable'), accept('cabinet-b')));

    expect(after).toMatchObject({
      status: 'diagnostic_en_cours',
      context: { prestataireId: 'cabinet-b', decision: { outcome: 'accepted', at: AT } },
    });
  });
});

describe('REJECT and WITHDRAW record why', () => {
  it('REJECT records a refused decision with its motif', () => {
    const after = next(
      applyEvent(
        caseIn('saisine_concertee'),
        event({ type: 'REJECT', motif: 'Hors champ' }, actors.coordinateur),
      ),
    );

    expect(after.context.decision).toEqual({ outcome: 'refused', motif: 'Hors champ', at: AT });
    expect(after.context.prestataireId).toBeUndefined();
  });

  it('WITHDRAW records when, and the motif when one is given', () => {
    const withMotif = next(
      applyEvent(newCase(), event({ type: 'WITHDRAW', motif: 'Résolu' }, actors.gestionnaire)),
    );
    const without = next(applyEvent(newCase(), event({ type: 'WITHDRAW' }, actors.gestionnaire)));

    expect(withMotif.context.withdrawal).toEqual({ at: AT, motif: 'Résolu' });
    expect(without.context.withdrawal).toEqual({ at: AT });
  });
});

describe('SUBMIT_RAPPORT needs an available rapport uploaded by the assigned firm', () => {
  const submit = (document: ReturnType<typeof rapportDocument> | undefined, documentId = 'doc-rapport-1') =>
    event({ type: 'SUBMIT_RAPPORT', documentId }, actors.singuliers, { facts: document ? { document } : {} });
  const refusal = (message: string) => [{ path: 'body.documentId', message }];

  it.each([
    ['no such document on the case', undefined, 'No document doc-rapport-1 on this case'],
    [
      'a fact about another document',
      rapportDocument('doc-rapport-2'),
      'No document doc-rapport-1 on this case',
    ],
    [
      'a piece jointe',
      { ...rapportDocument(), kind: 'piece_jointe' },
      'Document doc-rapport-1 is a piece_jointe, not a rapport',
    ],
    [
      'a rapport not yet confirmed',
      { ...rapportDocument(), status: 'pending' },
      'Document doc-rapport-1 is not available (pending)',
    ],
    [
      'a rapport of another firm',
      rapportDocument('doc-rapport-1', 'cabinet-b'),
      'Document doc-rapport-1 was not uploaded by the assigned prestataire',
    ],
  ])('refuses %s', (_, document, message) => {
    const outcome = applyEvent(caseIn('diagnostic_en_cours'), submit(document));

    expect(violationsOf(outcome)).toEqual(refusal(message));
  });

  it('records the submitted document', () => {
    const after = next(applyEvent(caseIn('diagnostic_en_cours'), submit(rapportDocument())));

    expect(after).toMatchObject({
      status: 'rapport_a_valider',
      context: { rapport: { submittedDocumentId: 'doc-rapport-1', submissions: 1, revisions: 0 } },
    });
    expect(after.context.rapport.validatedDocumentId).toBeUndefined();
  });
});

describe('the rapport loop', () => {
  it('VALIDATE_RAPPORT validates the submitted document', () => {
    const after = next(
      applyEvent(caseIn('rapport_a_valider'), event({ type: 'VALIDATE_RAPPORT' }, actors.gestionnaire)),
    );

    expect(after.context.rapport).toEqual({
      submittedDocumentId: 'doc-rapport-1',
      submittedDocumentIds: ['doc-rapport-1'],
      validatedDocumentId: 'doc-rapport-1',
      submissions: 1,
      revisions: 0,
    });
  });

  it('after a REQUEST_REVISION, a second rapport is submitted and it is the one validated', () => {
    const revise = event(
      { type: 'REQUEST_REVISION', commentaire: 'Reprendre la partie RH' },
      actors.gestionnaire,
    );

    const revised = next(applyEvent(caseIn('rapport_a_valider'), revise));
    const resubmitted = applyAll(revised, [
      event({ type: 'SUBMIT_RAPPORT', documentId: 'doc-rapport-2' }, actors.singuliers),
    ]);
    const validated = applyAll(resubmitted, [event({ type: 'VALIDATE_RAPPORT' }, actors.gestionnaire)]);

    expect(revised).toMatchObject({ status: 'diagnostic_en_cours', context: { rapport: { revisions: 1 } } });
    expect(revised.context.rapport.validatedDocumentId).toBeUndefined();
    expect(resubmitted.context.rapport).toEqual({
      submittedDocumentId: 'doc-rapport-2',
      submittedDocumentIds: ['doc-rapport-1', 'doc-rapport-2'],
      submissions: 2,
      revisions: 1,
    });
    expect(validated).toMatchObject({
      status: 'restitution_a_faire',
      context: { rapport: { validatedDocumentId: 'doc-rapport-2', submissions: 2, revisions: 1 } },
    });
  });
});

describe('RECORD_RESTITUTION and RECORD_RENCONTRE', () => {
  const restitution = (rencontrePartenaires: boolean) =>
    event(
      {
        type: 'RECORD_RESTITUTION',
        date: '2026-04-10',
        rencontrePartenaires,
        compteRendu: 'Échanges constructifs',
      },
      actors.singuliers,
    );

  it('goes to rencontre_partenaires when a meeting with the partners is requested', () => {
    const after = next(applyEvent(caseIn('restitution_a_faire'), restitution(true)));

    expect(after).toMatchObject({
      status: 'rencontre_partenaires',
      context: {
        restitution: { date: '2026-04-10', rencontrePartenaires: true, compteRendu: 'Échanges constructifs' },
      },
    });
  });

  it('closes the case when no meeting is requested', () => {
    const after = next(applyEvent(caseIn('restitution_a_faire'), restitution(false)));

    expect(after).toMatchObject({
      status: 'cloturee',
      context: { restitution: { rencontrePartenaires: false } },
    });
  });

  it('is refused to a firm not assigned, whatever the boolean', () => {
    const current = caseIn('restitution_a_faire');
    const relation = relationOf(current, actors.cabinetB);
    const byOther = (rencontrePartenaires: boolean) =>
      event({ type: 'RECORD_RESTITUTION', date: '2026-04-10', rencontrePartenaires }, actors.cabinetB, {
        relation,
      });

    expect(relation).toBeUndefined();
    expect(applyEvent(current, byOther(true)).applied).toBe(false);
    expect(applyEvent(current, byOther(false)).applied).toBe(false);
  });

  it('RECORD_RENCONTRE records the meeting and closes the case', () => {
    const after = next(
      applyEvent(
        caseIn('rencontre_partenaires'),
        event({ type: 'RECORD_RENCONTRE', date: '2026-05-12' }, actors.coordinateur),
      ),
    );

    expect(after).toMatchObject({ status: 'cloturee', context: { rencontre: { date: '2026-05-12' } } });
  });
});

/** The audiences each transition notifies: who must learn of it to act or to follow the case. */
const EXPECTED_NOTIFICATIONS: {
  from: CaseStatus;
  body: CaseEventBody;
  by: keyof typeof actors;
  to: Audience[];
}[] = [
  {
    from: 'brouillon',
    body: { type: 'SUBMIT_FICHE' },
    by: 'gestionnaire',
    to: ['coordination', 'gestionnaire'],
  },
  {
    from: 'fiche_transmise',
    body: { type: 'REQUEST_COMPLEMENT', message: 'Précisez' },
    by: 'coordinateur',
    to: ['gestionnaire'],
  },
  {
    from: 'fiche_transmise',
    body: { type: 'OPEN_SAISINE' },
    by: 'coordinateur',
    to: ['consulted-partenaires', 'gestionnaire'],
  },
  { from: 'fiche_transmise', body: { type: 'WITHDRAW' }, by: 'gestionnaire', to: ['coordination'] },
  {
    from: 'saisine_concertee',
    body: { type: 'GIVE_AVIS', avis: 'favorable' },
    by: 'caf13',
    to: ['coordination'],
  },
  {
    from: 'saisine_concertee',
    body: { type: 'REJECT', motif: 'Non' },
    by: 'coordinateur',
    to: ['gestionnaire', 'consulted-partenaires'],
  },
  {
    from: 'saisine_concertee',
    body: { type: 'WITHDRAW' },
    by: 'gestionnaire',
    to: ['coordination', 'consulted-partenaires'],
  },
  {
    from: 'diagnostic_en_cours',
    body: { type: 'SUBMIT_RAPPORT', documentId: 'doc-rapport-1' },
    by: 'singuliers',
    to: ['gestionnaire'],
  },
  {
    from: 'rapport_a_valider',
    body: { type: 'REQUEST_REVISION', commentaire: 'À reprendre' },
    by: 'gestionnaire',
    to: ['prestataire'],
  },
  {
    from: 'rapport_a_valider',
    body: { type: 'VALIDATE_RAPPORT' },
    by: 'gestionnaire',
    to: ['coordination', 'consulted-partenaires', 'prestataire'],
  },
  {
    from: 'restitution_a_faire',
    body: { type: 'RECORD_RESTITUTION', date: '2026-04-10', rencontrePartenaires: true },
    by: 'singuliers',
    to: ['coordination', 'gestionnaire', 'consulted-partenaires'],
  },
  {
    from: 'restitution_a_faire',
    body: { type: 'RECORD_RESTITUTION', date: '2026-04-10', rencontrePartenaires: false },
    by: 'singuliers',
    to: ['coordination', 'gestionnaire'],
  },
  {
    from: 'rencontre_partenaires',
    body: { type: 'RECORD_RENCONTRE', date: '2026-05-12' },
    by: 'coordinateur',
    to: ['gestionnaire', 'consulted-partenaires', 'prestataire'],
  },
];

describe('applyEvent returns its effects as data', () => {
  it.each(EXPECTED_NOTIFICATIONS)('$body.type from $from notifies $to', ({ from, body, by, to }) => {
    const outcome = applyEvent(caseIn(from), event(body, actors[by]));

    expect(outcome.applied && outcome.notifications).toEqual([{ template: body.type, to }]);
  });

  it('ACCEPT notifies the gestionnaire, the assigned prestataire and the consulted partners', () => {
    const current = applyAll(caseIn('saisine_concertee'), [
      event({ type: 'GIVE_AVIS', avis: 'favorable' }, actors.etat),
    ]);

    const outcome = applyEvent(
      current,
      event({ type: 'ACCEPT', prestataireId: 'singuliers-co' }, actors.coordinateur),
    );

    expect(outcome.applied && outcome.notifications).toEqual([
      { template: 'ACCEPT', to: ['gestionnaire', 'prestataire', 'consulted-partenaires'] },
    ]);
  });

  it('keeps the rapport between the firm and the centre until validation, and avis away from both', () => {
    const audiences = (from: CaseStatus, e: CaseMachineEvent) => {
      const outcome = applyEvent(caseIn(from), e);
      return outcome.applied ? outcome.notifications.flatMap((n) => n.to) : ['refused'];
    };

    const submitted = audiences(
      'diagnostic_en_cours',
      event({ type: 'SUBMIT_RAPPORT', documentId: 'doc-rapport-1' }, actors.singuliers),
    );
    const revised = audiences(
      'rapport_a_valider',
      event({ type: 'REQUEST_REVISION', commentaire: 'x' }, actors.gestionnaire),
    );
    const avis = audiences(
      'saisine_concertee',
      event({ type: 'GIVE_AVIS', avis: 'defavorable' }, actors.etat),
    );

    expect(submitted).not.toContain('coordination');
    expect(submitted).not.toContain('consulted-partenaires');
    expect(revised).not.toContain('coordination');
    expect(revised).not.toContain('consulted-partenaires');
    expect(avis).not.toContain('gestionnaire');
    expect(avis).not.toContain('prestataire');
  });

  it('a withdrawal after a first submission notifies the coordination', () => {
    const backToDraft = applyAll(caseIn('fiche_transmise'), [
      event({ type: 'REQUEST_COMPLEMENT', message: 'Précisez' }, actors.coordinateur),
    ]);

    const outcome = applyEvent(backToDraft, event({ type: 'WITHDRAW' }, actors.gestionnaire));

    expect(outcome.applied && outcome.notifications).toEqual([
      { template: 'WITHDRAW', to: ['coordination'] },
    ]);
  });

  // BUG (workflows/case.machine.ts, brouillon.on.WITHDRAW): withdrawing a first draft notifies
  // 'coordination', though DESIGN.md §2 hides a never-submitted case from the coordinateur.
  it('withdrawing a first draft does not tell the coordination, who may not know of it', () => {
    const firstDraft = newCase();

    const outcome = applyEvent(firstDraft, event({ type: 'WITHDRAW' }, actors.gestionnaire));

    expect(outcome.applied && outcome.notifications.flatMap((n) => n.to)).not.toContain('coordination');
  });

  it('a refused event has no effects and no next state', () => {
    const outcome = applyEvent(newCase({ fiche: {} }), event({ type: 'SUBMIT_FICHE' }, actors.gestionnaire));

    expect(outcome.applied).toBe(false);
    expect(outcome).not.toHaveProperty('notifications');
    expect(outcome).not.toHaveProperty('next');
  });

  it.each(EXPECTED_NOTIFICATIONS)(
    '$body.type from $from leaves the input case untouched',
    ({ from, body, by }) => {
      const current = deepFreeze(caseIn(from));
      const before = structuredClone(current);

      const outcome = applyEvent(current, event(body, actors[by]));

      expect(outcome.applied).toBe(true);
      expect(current).toEqual(before);
    },
  );
});

describe('case rules', () => {
  it('the federation that runs a centre is its gestionnaire, and sends the gestionnaire events; another is not', () => {
    const mistral = newCase({ centreId: 'cs-mistral', federationId: 'fed-ifac' });

    expect(relationOf(mistral, actors.federation)).toBe('gestionnaire');
    expect(relationOf(mistral, { ...actors.gestionnaire, organisationId: 'cs-mistral' })).toBe(
      'gestionnaire',
    );
    expect(relationOf(mistral, { ...actors.federation, organisationId: 'fed-ucs13' })).toBeUndefined();
    expect(relationOf(mistral, actors.gestionnaire)).toBeUndefined();
    expect(sentByItsSender({ type: 'WITHDRAW', relation: 'gestionnaire' })).toBe(true);
  });

  it('an organisation id alone does not make a sender: the relation must be the event’s', () => {
    const saisine = caseIn('saisine_concertee');
    const caf13AsCoordinateur = { ...actors.caf13, role: 'coordinateur' as const };

    expect(relationOf(saisine, caf13AsCoordinateur)).toBe('coordinateur');
    expect(sentByItsSender({ type: 'GIVE_AVIS', relation: 'coordinateur' })).toBe(false);
    expect(relationOf(saisine, actors.caf13)).toBe('partenaire');
    expect(sentByItsSender({ type: 'GIVE_AVIS', relation: 'partenaire' })).toBe(true);
  });

  it('explainRefusal has nothing to object to an unguarded event, and the reasons of a guarded one', () => {
    const saisine = caseIn('saisine_concertee').context;

    expect(explainRefusal(saisine, event({ type: 'REJECT', motif: 'Non' }, actors.coordinateur))).toEqual([]);
    expect(
      explainRefusal(saisine, event({ type: 'ACCEPT', prestataireId: 'cabinet-b' }, actors.coordinateur)),
    ).toEqual([{ path: 'avis', message: 'At least one favorable avis is needed to accept' }]);
  });

  it('the consulted partners of the happy path are the ones that may give an avis', () => {
    const saisine = caseIn('saisine_concertee');

    const senders = Object.values(actors)
      .filter((a) => relationOf(saisine, a) === 'partenaire')
      .map((a) => a.organisationId);

    expect(senders.sort()).toEqual([...CONSULTED].sort());
  });
});

describe('SUBMIT_RAPPORT', () => {
  it('refuses a rapport already submitted once: a revision needs a new upload', () => {
    const revised = applyEvent(
      caseIn('rapport_a_valider'),
      event({ type: 'REQUEST_REVISION', commentaire: 'Revoir' }, actors.gestionnaire),
    );
    if (!revised.applied) throw new Error('revision refused');
    const again = applyEvent(
      revised.next,
      event({ type: 'SUBMIT_RAPPORT', documentId: 'doc-rapport-1' }, actors.singuliers, {
        facts: { document: rapportDocument('doc-rapport-1') },
      }),
    );
    expect(again).toEqual({
      applied: false,
      violations: [{ path: 'body.documentId', message: expect.stringContaining('already submitted') }],
    });
  });
});
