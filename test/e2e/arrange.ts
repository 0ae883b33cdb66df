import type { FicheDraft } from '../../shared/domain/fiche.schema.ts';
import { apiClient } from '../helpers/api.ts';
import { send, USERS } from '../helpers/cases.ts';
import { uploadDocument } from '../helpers/documents.ts';

/**
 * Cases arranged through the API (tokens from `POST /_local/token`, as in test/helpers/cases.ts),
 * for the browser tests that are about something else than making them.
 */

export { caseIn, SCENARIOS, type Scenario } from '../helpers/cases.ts';
export { USERS };

export const api = () => apiClient();

/** A complete fiche whose texts are this run's own, so that a page showing them can be told. */
export function uniqueFiche(tag: string): FicheDraft {
  return {
    nature: 'crise_averee',
    domaines: ['ressources_humaines', 'gouvernance'],
    signesAlerte: `Conflit ouvert au conseil d’administration ${tag}.`,
    demandeur: {
      nom: `Mme Garnier ${tag}`,
      qualite: 'Trésorière',
      email: `tresoriere.${tag}@tilleuls.example.org`,
    },
    attentes: `Retrouver une gouvernance apaisée ${tag}.`,
  };
}

/** The texts of a fiche a person who may not see the case must never be shown. */
export function ficheTexts(fiche: FicheDraft): string[] {
  return [fiche.signesAlerte, fiche.attentes, fiche.demandeur?.nom, fiche.demandeur?.email].filter(
    (t): t is string => typeof t === 'string',
  );
}

/** A new case of `centreId` with this fiche, still a brouillon; its id. */
export async function newCase(fiche: FicheDraft, centreId = 'cs-tilleuls', as = USERS.tilleuls) {
  const created = await api().call('POST', '/cases', { as, body: { centreId, fiche } });
  if (created.status !== 201) throw new Error(`POST /cases: ${created.status} ${created.text}`);
  return created.json.id as string;
}

/** The steps of the procedure past the brouillon, as the API takes them, for a cs-tilleuls case. */
export const steps = {
  submit: (id: string) => send(api(), USERS.tilleuls, id, { type: 'SUBMIT_FICHE' }),
  openSaisine: (id: string, partenaireIds?: string[]) =>
    send(api(), USERS.coordination, id, { type: 'OPEN_SAISINE', ...(partenaireIds && { partenaireIds }) }),
  avis: (id: string, as: string, avis = 'favorable') => send(api(), as, id, { type: 'GIVE_AVIS', avis }),
  accept: (id: string, prestataireId = 'singuliers-co') =>
    send(api(), USERS.coordination, id, { type: 'ACCEPT', prestataireId }),
  rapport: async (id: string) => {
    const documentId = await uploadDocument(api(), USERS.singuliers, id, {
      kind: 'rapport',
      filename: 'Rapport diagnostic flash.pdf',
    });
    return send(api(), USERS.singuliers, id, { type: 'SUBMIT_RAPPORT', documentId });
  },
  validate: (id: string) => send(api(), USERS.tilleuls, id, { type: 'VALIDATE_RAPPORT' }),
  restitution: (id: string) =>
    send(api(), USERS.singuliers, id, {
      type: 'RECORD_RESTITUTION',
      date: '2026-12-01',
      rencontrePartenaires: true,
    }),
  rencontre: (id: string) =>
    send(api(), USERS.coordination, id, { type: 'RECORD_RENCONTRE', date: '2026-12-15' }),
};

/** Whether `as` may see the case, as the API says (200 or 404). */
export async function sees(as: string, caseId: string): Promise<boolean> {
  const res = await api().call('GET', `/cases/${caseId}`, { as });
  if (res.status !== 200 && res.status !== 404)
    throw new Error(`GET /cases/${caseId} as ${as}: ${res.status}`);
  return res.status === 200;
}

/** The case as `as` sees it through the API. */
export async function caseAs(as: string, caseId: string) {
  const res = await api().call('GET', `/cases/${caseId}`, { as });
  if (res.status !== 200) throw new Error(`GET /cases/${caseId} as ${as}: ${res.status} ${res.text}`);
  return res.json as { status: string; allowedEvents: string[] };
}
