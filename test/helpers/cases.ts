import { expect } from 'vitest';
import type { apiClient } from './api.ts';
import { uploadDocument } from './documents.ts';
import { COMPLETE_FICHE } from './fixtures.ts';

type Api = ReturnType<typeof apiClient>;

export const USERS = {
  tilleuls: 'ca.tilleuls@example.org',
  oliviers: 'ca.oliviers@example.org',
  ifac: 'direction@fed-ifac.example.org',
  coordination: 'coordination@caf13.example.org',
  caf: 'avs@caf13.example.org',
  etat: 'politique-ville@etat.example.org',
  marseille: 'cohesion@marseille.example.org',
  vitrolles: 'social@vitrolles.example.org',
  singuliers: 'consultant@singuliers.example.org',
  cabinetB: 'consultant@cabinet-b.example.org',
} as const;

/** The gestionnaire who runs each seeded centre. */
export const GESTIONNAIRE_OF: Record<string, string> = {
  'cs-tilleuls': USERS.tilleuls,
  'cs-oliviers': USERS.oliviers,
  'cs-mistral': USERS.ifac,
  'cs-calanques': USERS.ifac,
};

/** The partenaire user of the commune each seeded centre stands in (when one is seeded). */
const COMMUNE_USER: Record<string, string | undefined> = {
  'cs-tilleuls': USERS.marseille,
  'cs-mistral': USERS.vitrolles,
};

/** Sends an event and insists on success: the arrange step of tests about something else. */
export async function send(api: Api, as: string, caseId: string, body: Record<string, unknown>) {
  const res = await api.call('POST', `/cases/${caseId}/events`, { as, body });
  expect(res.status, `${body.type} by ${as}: ${res.text}`).toBe(200);
  return res.json;
}

/** A rapport uploaded for real by the firm's consultant: ticket, POST to storage, confirm. */
export function rapportDocument(
  api: Api,
  caseId: string,
  consultant: string = USERS.singuliers,
): Promise<string> {
  return uploadDocument(api, consultant, caseId, {
    kind: 'rapport',
    filename: 'Rapport diagnostic flash.pdf',
  });
}

export type Scenario =
  | 'brouillon'
  | 'brouillon_complement'
  | 'fiche_transmise'
  | 'saisine_concertee'
  | 'diagnostic_en_cours'
  | 'rapport_a_valider'
  | 'restitution_a_faire'
  | 'rencontre_partenaires'
  | 'cloturee'
  | 'refusee'
  | 'abandonnee';

export const SCENARIOS: Scenario[] = [
  'brouillon',
  'brouillon_complement',
  'fiche_transmise',
  'saisine_concertee',
  'diagnostic_en_cours',
  'rapport_a_valider',
  'restitution_a_faire',
  'rencontre_partenaires',
  'cloturee',
  'refusee',
  'abandonnee',
];

/** What a scenario's case is, independently of the code under test: the oracle's facts. */
export interface CaseFacts {
  id: string;
  centreId: string;
  scenario: Scenario;
  status: string;
  submittedOnce: boolean;
  consulted: string[];
  prestataire?: string;
}

/** Default consultation per DESIGN.md §2: every non-commune funder plus the centre's commune. */
export const DEFAULT_CONSULTED: Record<string, string[]> = {
  'cs-tilleuls': ['etat', 'region', 'departement', 'caf13', 'commune-marseille'],
  'cs-oliviers': ['etat', 'region', 'departement', 'caf13', 'commune-aix-en-provence'],
  'cs-mistral': ['etat', 'region', 'departement', 'caf13', 'commune-vitrolles'],
  'cs-calanques': ['etat', 'region', 'departement', 'caf13', 'commune-la-ciotat'],
};

/** Drives a new case of `centreId` through the API to the scenario's status. */
export async function caseIn(api: Api, scenario: Scenario, centreId = 'cs-tilleuls'): Promise<CaseFacts> {
  const gestionnaire = GESTIONNAIRE_OF[centreId] as string;
  const created = await api.call('POST', '/cases', {
    as: gestionnaire,
    body: { centreId, fiche: COMPLETE_FICHE },
  });
  expect(created.status, created.text).toBe(201);
  const id = created.json.id as string;
  const facts: CaseFacts = {
    id,
    centreId,
    scenario,
    status: 'brouillon',
    submittedOnce: false,
    consulted: [],
  };
  const at = (status: string, extra: Partial<CaseFacts> = {}) => Object.assign(facts, { status, ...extra });

  if (scenario === 'brouillon') return facts;
  if (scenario === 'abandonnee') {
    await send(api, gestionnaire, id, { type: 'WITHDRAW', motif: 'La situation s’est réglée.' });
    return at('abandonnee');
  }
  await send(api, gestionnaire, id, { type: 'SUBMIT_FICHE' });
  at('fiche_transmise', { submittedOnce: true });
  if (scenario === 'brouillon_complement') {
    await send(api, USERS.coordination, id, {
      type: 'REQUEST_COMPLEMENT',
      message: 'Préciser les attentes.',
    });
    return at('brouillon');
  }
  if (scenario === 'fiche_transmise') return facts;
  await send(api, USERS.coordination, id, { type: 'OPEN_SAISINE' });
  at('saisine_concertee', { consulted: DEFAULT_CONSULTED[centreId] as string[] });
  if (scenario === 'saisine_concertee') return facts;
  if (scenario === 'refusee') {
    await send(api, USERS.coordination, id, { type: 'REJECT', motif: 'Relève du droit commun.' });
    return at('refusee');
  }
  await send(api, USERS.caf, id, { type: 'GIVE_AVIS', avis: 'favorable', commentaire: 'Soutien de la Caf.' });
  const commune = COMMUNE_USER[centreId];
  if (commune) await send(api, commune, id, { type: 'GIVE_AVIS', avis: 'reserve' });
  await send(api, USERS.coordination, id, { type: 'ACCEPT', prestataireId: 'singuliers-co' });
  at('diagnostic_en_cours', { prestataire: 'singuliers-co' });
  if (scenario === 'diagnostic_en_cours') return facts;
  await send(api, USERS.singuliers, id, {
    type: 'SUBMIT_RAPPORT',
    documentId: await rapportDocument(api, id),
  });
  at('rapport_a_valider');
  if (scenario === 'rapport_a_valider') return facts;
  await send(api, gestionnaire, id, { type: 'VALIDATE_RAPPORT' });
  at('restitution_a_faire');
  if (scenario === 'restitution_a_faire') return facts;
  await send(api, USERS.singuliers, id, {
    type: 'RECORD_RESTITUTION',
    date: '2026-12-01',
    rencontrePartenaires: true,
  });
  at('rencontre_partenaires');
  if (scenario === 'rencontre_partenaires') return facts;
  await send(api, USERS.coordination, id, { type: 'RECORD_RENCONTRE', date: '2026-12-15' });
  return at('cloturee');
}
