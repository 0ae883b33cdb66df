import { beforeAll, describe, expect, it } from 'vitest';
import { seedUsers } from '../../infra/local/seed-data.ts';
import { apiClient } from '../helpers/api.ts';
import { type CaseFacts, DEFAULT_CONSULTED, GESTIONNAIRE_OF, send, USERS } from '../helpers/cases.ts';
import { SAMPLE, uploadDocument } from '../helpers/documents.ts';
import { COMPLETE_FICHE } from '../helpers/fixtures.ts';
import { type Cell, sees, type TestUser } from '../helpers/oracle.ts';
import { pool } from '../helpers/pool.ts';

/**
 * The authorization matrix of documents: every document route × seeded user × document × stage of
 * the case (the four stages of the rapport, and the statuses around them), against an oracle
 * written from DESIGN.md §2 and §4 as data, independently of shared/access/policy.ts.
 */

const api = apiClient();

type Role = TestUser['role'];
type Kind = 'piece_jointe' | 'rapport' | 'compte_rendu';

/** DESIGN.md §2, the document table, row by row. */
type Row =
  | 'piece_jointe'
  | 'rapport_not_submitted'
  | 'rapport_submitted'
  | 'rapport_superseded'
  | 'rapport_validated'
  | 'compte_rendu';
type Seen = 'yes' | 'no' | 'once_submitted' | 'uploader_firm';

const DOCUMENT_TABLE: Record<Row, Record<Role, Seen>> = {
  piece_jointe: {
    prestataire: 'yes',
    gestionnaire: 'yes',
    coordinateur: 'once_submitted',
    partenaire: 'yes',
  },
  rapport_not_submitted: {
    prestataire: 'uploader_firm',
    gestionnaire: 'no',
    coordinateur: 'no',
    partenaire: 'no',
  },
  rapport_submitted: { prestataire: 'yes', gestionnaire: 'yes', coordinateur: 'no', partenaire: 'no' },
  // Issue 4: "only the validated version ever becomes visible to the coordinateur and partenaires.
  // Earlier versions stay visible to the prestataire and gestionnaire."
  rapport_superseded: { prestataire: 'yes', gestionnaire: 'yes', coordinateur: 'no', partenaire: 'no' },
  rapport_validated: { prestataire: 'yes', gestionnaire: 'yes', coordinateur: 'yes', partenaire: 'yes' },
  compte_rendu: { prestataire: 'yes', gestionnaire: 'yes', coordinateur: 'yes', partenaire: 'yes' },
};

/** DESIGN.md §2: who uploads which kind, in which statuses. */
const UPLOAD_TABLE: Record<Kind, [Role, string[]][]> = {
  piece_jointe: [['gestionnaire', ['brouillon', 'fiche_transmise']]],
  rapport: [['prestataire', ['diagnostic_en_cours']]],
  compte_rendu: [
    ['prestataire', ['restitution_a_faire']],
    ['coordinateur', ['rencontre_partenaires']],
  ],
};
const KINDS = Object.keys(UPLOAD_TABLE) as Kind[];

/** DESIGN.md §4: the access log is for the gestionnaire and the coordinateur. */
const ACCESS_LOG_ROLES: Role[] = ['gestionnaire', 'coordinateur'];

/**
 * The stages a case goes through, with the documents it holds at each, as facts: P is the
 * gestionnaire's pièce jointe (uploaded while brouillon), R1 and R2 the rapport versions of
 * Singuliers & Co, C1 the prestataire's compte rendu, C2 the coordinateur's.
 */
interface DocPlan {
  row: Row;
  /** The rapport version this document was submitted as. */
  version?: number;
}
interface StagePlan {
  status: string;
  docs: Record<string, DocPlan>;
}

const P: DocPlan = { row: 'piece_jointe' };
const STAGES = {
  brouillon: { status: 'brouillon', docs: { P } },
  brouillon_complement: { status: 'brouillon', docs: { P } },
  abandonnee: { status: 'abandonnee', docs: { P } },
  fiche_transmise: { status: 'fiche_transmise', docs: { P } },
  saisine_concertee: { status: 'saisine_concertee', docs: { P } },
  refusee: { status: 'refusee', docs: { P } },
  'rapport:not_submitted': {
    status: 'diagnostic_en_cours',
    docs: { P, R1: { row: 'rapport_not_submitted' } },
  },
  'rapport:submitted': {
    status: 'rapport_a_valider',
    docs: { P, R1: { row: 'rapport_submitted', version: 1 } },
  },
  'rapport:revision_requested': {
    status: 'diagnostic_en_cours',
    docs: { P, R1: { row: 'rapport_superseded', version: 1 }, R2: { row: 'rapport_not_submitted' } },
  },
  'rapport:revised': {
    status: 'rapport_a_valider',
    docs: {
      P,
      R1: { row: 'rapport_superseded', version: 1 },
      R2: { row: 'rapport_submitted', version: 2 },
    },
  },
  'rapport:validated': {
    status: 'restitution_a_faire',
    docs: {
      P,
      R1: { row: 'rapport_superseded', version: 1 },
      R2: { row: 'rapport_validated', version: 2 },
      C1: { row: 'compte_rendu' },
    },
  },
  rencontre_partenaires: {
    status: 'rencontre_partenaires',
    docs: { P, R1: { row: 'rapport_validated', version: 1 }, C1: { row: 'compte_rendu' } },
  },
  cloturee: {
    status: 'cloturee',
    docs: {
      P,
      R1: { row: 'rapport_validated', version: 1 },
      C1: { row: 'compte_rendu' },
      C2: { row: 'compte_rendu' },
    },
  },
} satisfies Record<string, StagePlan>;
type Stage = keyof typeof STAGES;

const RAPPORT_STAGES: Stage[] = [
  'rapport:not_submitted',
  'rapport:submitted',
  'rapport:revision_requested',
  'rapport:revised',
  'rapport:validated',
];
/** Every stage on an associative centre; the rapport stages again on a federation-run one. */
const PLAN: [string, Stage][] = [
  ...(Object.keys(STAGES) as Stage[]).map((stage) => ['cs-tilleuls', stage] as [string, Stage]),
  ...RAPPORT_STAGES.map((stage) => ['cs-mistral', stage] as [string, Stage]),
];

/** Who uploads each document of the plan. */
function uploaderOf(label: string, centreId: string): string {
  if (label === 'P') return GESTIONNAIRE_OF[centreId] as string;
  if (label === 'C2') return USERS.coordination;
  return USERS.singuliers;
}
const USER_BY_EMAIL = new Map(seedUsers.map((u) => [u.email, u]));

function visible(user: TestUser, c: CaseFacts, row: Row, uploader: string): boolean {
  if (!sees(user, c)) return false;
  switch (DOCUMENT_TABLE[row][user.role]) {
    case 'yes':
      return true;
    case 'no':
      return false;
    case 'once_submitted':
      return c.submittedOnce;
    case 'uploader_firm':
      return USER_BY_EMAIL.get(uploader)?.organisationId === user.organisationId;
  }
}

// DESIGN.md §4, order of checks: 404 unseen case, 403 not for this caller, 409 wrong status.
const expected = {
  list: (u: TestUser, c: CaseFacts) => (sees(u, c) ? 200 : 404),
  listed: (u: TestUser, c: CaseFacts, row: Row, uploader: string) => visible(u, c, row, uploader),
  download: (u: TestUser, c: CaseFacts, row: Row, uploader: string) =>
    !sees(u, c) ? 404 : visible(u, c, row, uploader) ? 200 : 403,
  confirm: (u: TestUser, c: CaseFacts, uploader: string) =>
    !sees(u, c) ? 404 : u.email === uploader ? 200 : 403,
  accessLog: (u: TestUser, c: CaseFacts) =>
    !sees(u, c) ? 404 : ACCESS_LOG_ROLES.includes(u.role) ? 200 : 403,
  upload(u: TestUser, c: CaseFacts, kind: Kind) {
    if (!sees(u, c)) return 404;
    const rules = UPLOAD_TABLE[kind].filter(([role]) => role === u.role);
    if (rules.length === 0) return 403;
    return rules.some(([, statuses]) => statuses.includes(c.status)) ? 201 : 409;
  },
};

interface Doc {
  label: string;
  id: string;
  row: Row;
  version?: number;
  uploader: string;
}
interface Subject {
  name: string;
  facts: CaseFacts;
  docs: Doc[];
}

const FILES: Record<string, { filename: string; contentType: string; bytes: Buffer }> = {
  P: { filename: 'Bilan 2025.txt', contentType: 'text/plain', bytes: SAMPLE.text },
  R: { filename: 'Rapport diagnostic.pdf', contentType: 'application/pdf', bytes: SAMPLE.pdf },
  C: { filename: 'Compte rendu.png', contentType: 'image/png', bytes: SAMPLE.png },
};

/** Drives a case of `centreId` to `stage` through the API, uploading the plan's documents for real. */
async function build(centreId: string, stage: Stage): Promise<Subject> {
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
    scenario: 'brouillon',
    status: 'brouillon',
    submittedOnce: false,
    consulted: [],
  };
  const ids: Record<string, string> = {};
  const upload = async (label: string, kind: Kind) => {
    const file = FILES[label[0] as string] as (typeof FILES)[string];
    ids[label] = await uploadDocument(api, uploaderOf(label, centreId), id, { kind, ...file });
    return ids[label] as string;
  };
  const event = (as: string, body: Record<string, unknown>) => send(api, as, id, body);
  const done = (): Subject => {
    const plan: StagePlan = STAGES[stage];
    facts.status = plan.status;
    expect(Object.keys(ids).sort(), `${centreId}/${stage}`).toEqual(Object.keys(plan.docs).sort());
    return {
      name: `${centreId}/${stage}`,
      facts,
      docs: Object.entries(plan.docs).map(([label, doc]) => ({
        label,
        id: ids[label] as string,
        ...doc,
        uploader: uploaderOf(label, centreId),
      })),
    };
  };

  await upload('P', 'piece_jointe');
  if (stage === 'brouillon') return done();
  await event(gestionnaire, { type: 'SUBMIT_FICHE' });
  facts.submittedOnce = true;
  if (stage === 'brouillon_complement') {
    await event(USERS.coordination, { type: 'REQUEST_COMPLEMENT', message: 'Préciser les attentes.' });
    return done();
  }
  if (stage === 'abandonnee') {
    await event(gestionnaire, { type: 'WITHDRAW', motif: 'Matrice des documents.' });
    return done();
  }
  if (stage === 'fiche_transmise') return done();
  await event(USERS.coordination, { type: 'OPEN_SAISINE' });
  facts.consulted = DEFAULT_CONSULTED[centreId] as string[];
  if (stage === 'saisine_concertee') return done();
  if (stage === 'refusee') {
    await event(USERS.coordination, { type: 'REJECT', motif: 'Relève du droit commun.' });
    return done();
  }
  await event(USERS.caf, { type: 'GIVE_AVIS', avis: 'favorable' });
  await event(USERS.coordination, { type: 'ACCEPT', prestataireId: 'singuliers-co' });
  facts.prestataire = 'singuliers-co';
  const first = await upload('R1', 'rapport');
  if (stage === 'rapport:not_submitted') return done();
  await event(USERS.singuliers, { type: 'SUBMIT_RAPPORT', documentId: first });
  if (stage === 'rapport:submitted') return done();
  if (RAPPORT_STAGES.includes(stage)) {
    await event(gestionnaire, { type: 'REQUEST_REVISION', commentaire: 'Compléter la partie RH.' });
    const second = await upload('R2', 'rapport');
    if (stage === 'rapport:revision_requested') return done();
    await event(USERS.singuliers, { type: 'SUBMIT_RAPPORT', documentId: second });
    if (stage === 'rapport:revised') return done();
  }
  await event(gestionnaire, { type: 'VALIDATE_RAPPORT' });
  await upload('C1', 'compte_rendu');
  if (stage === 'rapport:validated') return done();
  await event(USERS.singuliers, {
    type: 'RECORD_RESTITUTION',
    date: '2026-12-01',
    rencontrePartenaires: true,
  });
  if (stage === 'rencontre_partenaires') return done();
  await upload('C2', 'compte_rendu');
  await event(USERS.coordination, { type: 'RECORD_RENCONTRE', date: '2026-12-15' });
  return done();
}

const docCount = PLAN.reduce((n, [, stage]) => n + Object.keys(STAGES[stage].docs).length, 0);
/** Per user: list status, access log and an upload of each kind per case; download, confirm, listed per document. */
const readCells = seedUsers.length * (PLAN.length * 2 + docCount * 3);
const uploadCells = seedUsers.length * PLAN.length * KINDS.length;

describe('documents authorization', () => {
  const subjects: Subject[] = [];

  beforeAll(async () => {
    subjects.push(
      ...(await pool(
        4,
        PLAN.map(
          ([centre, stage]) =>
            () =>
              build(centre, stage),
        ),
      )),
    );
    // The arrange step reached the statuses the plan says.
    const statuses = await pool(
      4,
      subjects.map((s) => async () => {
        const res = await api.call('GET', `/cases/${s.facts.id}`, {
          as: GESTIONNAIRE_OF[s.facts.centreId] as string,
        });
        return [s.name, res.json?.status];
      }),
    );
    expect(statuses).toEqual(subjects.map((s) => [s.name, s.facts.status]));
  }, 180_000);

  it(`matches DESIGN.md §2 and §4 on list, download, confirm and access log × seeded user × document × stage: ${readCells} cells`, async () => {
    /** Download links the API issued in this test, per case: what each access log must show. */
    const issued = new Map<
      string,
      { email: string; documentId: string; rapportVersion?: number; forCentre: boolean }[]
    >();
    const tasks = subjects.flatMap((s) =>
      seedUsers.flatMap((user) => {
        const c = s.facts;
        const cell =
          (route: string, want: number | boolean, run: () => Promise<number | boolean>) => async () =>
            ({
              route,
              user: user.email,
              subject: s.name,
              expected: want,
              actual: await run(),
            }) satisfies Cell;
        let listing: Promise<{ status: number; ids: Set<string> }> | undefined;
        const list = () => {
          listing ??= api.call('GET', `/cases/${c.id}/documents`, { as: user.email }).then((res) => ({
            status: res.status,
            ids: new Set<string>(res.status === 200 ? res.json.items.map((d: { id: string }) => d.id) : []),
          }));
          return listing;
        };
        return [
          cell('GET documents', expected.list(user, c), async () => (await list()).status),
          cell('GET access-log', expected.accessLog(user, c), async () => {
            return (await api.call('GET', `/cases/${c.id}/access-log`, { as: user.email })).status;
          }),
          ...s.docs.flatMap((d) => [
            cell(`listed ${d.label} (${d.row})`, expected.listed(user, c, d.row, d.uploader), async () =>
              (await list()).ids.has(d.id),
            ),
            cell(
              `GET document ${d.label} (${d.row})`,
              expected.download(user, c, d.row, d.uploader),
              async () => {
                const res = await api.call('GET', `/cases/${c.id}/documents/${d.id}`, { as: user.email });
                if (res.status === 200) {
                  expect(res.json.document.id).toBe(d.id);
                  expect(res.json.downloadUrl).toContain(`/cases/${c.id}/documents/${d.id}`);
                  const log = issued.get(c.id) ?? [];
                  const centre = USER_BY_EMAIL.get(GESTIONNAIRE_OF[c.centreId] as string) as TestUser;
                  log.push({
                    email: user.email,
                    documentId: d.id,
                    ...(d.version && { rapportVersion: d.version }),
                    // The centre reads the entries of the documents it may see itself.
                    forCentre: visible(centre, c, d.row, d.uploader),
                  });
                  issued.set(c.id, log);
                }
                return res.status;
              },
            ),
            cell(`POST confirm ${d.label}`, expected.confirm(user, c, d.uploader), async () => {
              const res = await api.call('POST', `/cases/${c.id}/documents/${d.id}/confirm`, {
                as: user.email,
              });
              if (res.status === 200) expect(res.json.document.status).toBe('available');
              return res.status;
            }),
          ]),
        ];
      }),
    );
    expect(tasks).toHaveLength(readCells);
    const cells = await pool(8, tasks);
    expect(cells.filter((c) => c.expected !== c.actual)).toEqual([]);

    // Every link issued for a document the centre may see is in its access log, and nothing else:
    // a 403 or 404 writes nothing, and a draft the centre may not read stays out of its view.
    const logs = await pool(
      4,
      subjects.map((s) => async () => {
        // Every page of the log, following nextCursor.
        const entries: { user: { email: string }; documentId: string; rapportVersion?: number }[] = [];
        let cursor: string | null = null;
        do {
          const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
          const res = await api.call('GET', `/cases/${s.facts.id}/access-log${query}`, {
            as: GESTIONNAIRE_OF[s.facts.centreId] as string,
          });
          expect(res.status).toBe(200);
          entries.push(...res.json.items);
          cursor = res.json.nextCursor;
        } while (cursor);
        return entries.map((e) => ({
          email: e.user.email,
          documentId: e.documentId,
          ...(e.rapportVersion !== undefined && { rapportVersion: e.rapportVersion }),
        }));
      }),
    );
    const key = (e: { email: string; documentId: string }) => `${e.email} ${e.documentId}`;
    const sorted = <T extends { email: string; documentId: string }>(xs: T[]) =>
      [...xs].sort((a, b) => key(a).localeCompare(key(b)));
    for (const [i, s] of subjects.entries()) {
      const expectedEntries = (issued.get(s.facts.id) ?? [])
        .filter((e) => e.forCentre)
        .map(({ forCentre: _, ...entry }) => entry);
      expect(sorted(logs[i] ?? []), s.name).toEqual(sorted(expectedEntries));
    }
  });

  it(`matches DESIGN.md §2 and §4 on upload requests × seeded user × kind × stage: ${uploadCells} cells`, async () => {
    const tasks = subjects.flatMap((s) =>
      seedUsers.flatMap((user) =>
        KINDS.map((kind) => async (): Promise<Cell> => {
          const res = await api.call('POST', `/cases/${s.facts.id}/documents`, {
            as: user.email,
            body: { kind, filename: 'matrice.pdf', contentType: 'application/pdf', size: SAMPLE.pdf.length },
          });
          if (res.status !== 201)
            expect(res.headers.get('content-type')).toContain('application/problem+json');
          return {
            route: `POST documents ${kind}`,
            user: user.email,
            subject: `${s.name} (${s.facts.status})`,
            expected: expected.upload(user, s.facts, kind),
            actual: res.status,
          };
        }),
      ),
    );
    expect(tasks).toHaveLength(uploadCells);
    const cells = await pool(8, tasks);
    expect(cells.filter((c) => c.expected !== c.actual)).toEqual([]);
  });
});
