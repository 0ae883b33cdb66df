import type { FicheDraft } from '../../shared/domain/fiche.schema.ts';
import type { CaseStatus } from '../../shared/domain/statuses.ts';

/**
 * `npm start -- --demo`: demonstration cases in every status of DESIGN.md §3, for cs-tilleuls and
 * cs-mistral, driven through the API by the seeded users (a token from POST /_local/token, then
 * the routes, the rapport sent to s3rver with the presigned POST), as the people of the procedure
 * would. Each demo case is known by its fiche's `signesAlerte`, which starts with DEMO_MARK: a
 * second run creates only the cases missing.
 */

export const DEMO_MARK = '[Démo] ';

const COORDINATION = 'coordination@caf13.example.org';
const CAF = 'avs@caf13.example.org';
const ETAT = 'politique-ville@etat.example.org';

interface DemoCentre {
  centreId: string;
  gestionnaire: string;
  /** The partenaire user of the centre's commune. */
  commune: string;
  prestataireId: string;
  consultant: string;
  demandeur: FicheDraft['demandeur'];
}

const CENTRES: DemoCentre[] = [
  {
    centreId: 'cs-tilleuls',
    gestionnaire: 'ca.tilleuls@example.org',
    commune: 'cohesion@marseille.example.org',
    prestataireId: 'singuliers-co',
    consultant: 'consultant@singuliers.example.org',
    demandeur: { nom: 'Mme Martin', qualite: 'Présidente', email: 'presidente@tilleuls.example.org' },
  },
  {
    centreId: 'cs-mistral',
    gestionnaire: 'direction@fed-ifac.example.org',
    commune: 'social@vitrolles.example.org',
    prestataireId: 'cabinet-b',
    consultant: 'consultant@cabinet-b.example.org',
    demandeur: {
      nom: 'M. Benali',
      qualite: 'Directeur territorial IFAC',
      email: 'direction@fed-ifac.example.org',
      telephone: '04 42 00 00 00',
    },
  },
];

/** One demo case per status, each with its own story (the signesAlerte names it). */
const STORIES: Record<CaseStatus, Omit<FicheDraft, 'demandeur'>> = {
  brouillon: {
    nature: 'preventive',
    signesAlerte: 'Le conseil d’administration peine à se renouveler ; fiche en cours de rédaction.',
  },
  fiche_transmise: {
    nature: 'preventive',
    domaines: ['ressources_humaines'],
    signesAlerte: 'Arrêts maladie répétés dans l’équipe d’animation, tensions avec la direction.',
    attentes: 'Un regard extérieur sur l’organisation du travail.',
  },
  saisine_concertee: {
    nature: 'crise_averee',
    domaines: ['gestion_financiere', 'gouvernance'],
    signesAlerte: 'Trésorerie à deux mois, subvention municipale versée en retard.',
    attentes: 'Un plan de redressement partagé avec les financeurs.',
  },
  diagnostic_en_cours: {
    nature: 'preventive',
    domaines: ['ingenierie_de_projet'],
    signesAlerte: 'Projet social à renouveler, diagnostic de territoire jamais actualisé.',
  },
  rapport_a_valider: {
    nature: 'crise_averee',
    domaines: ['gouvernance', 'ressources_humaines'],
    signesAlerte: 'Démission du bureau, directrice seule face aux salariés.',
  },
  restitution_a_faire: {
    nature: 'preventive',
    domaines: ['gestion_financiere'],
    signesAlerte: 'Deux exercices déficitaires, fonds propres entamés.',
  },
  rencontre_partenaires: {
    nature: 'crise_averee',
    domaines: ['autre'],
    domaineAutre: 'Locaux',
    signesAlerte: 'Fermeture administrative d’une partie des locaux, activités suspendues.',
  },
  cloturee: {
    nature: 'preventive',
    domaines: ['gouvernance'],
    signesAlerte: 'Répartition des rôles floue entre bureau et direction.',
  },
  refusee: {
    nature: 'preventive',
    domaines: ['autre'],
    domaineAutre: 'Informatique',
    signesAlerte: 'Logiciel de gestion des adhérents à remplacer.',
  },
  abandonnee: {
    nature: 'preventive',
    domaines: ['gestion_financiere'],
    signesAlerte: 'Retard de paiement d’un financeur, depuis régularisé.',
  },
};

export const DEMO_STATUSES = Object.keys(STORIES) as CaseStatus[];

/** The marked signesAlerte of a story: what a second run looks for. */
const markOf = (status: CaseStatus) => `${DEMO_MARK}${STORIES[status].signesAlerte}`;

/** A one-page PDF (valid: objects at the offsets its table gives) standing for a rapport. */
export function demoRapportPdf(title: string): Buffer {
  const text = title.replace(/[()\\]/g, '').replace(/[^\x20-\x7e]/g, '?');
  const stream = `BT /F1 14 Tf 72 760 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

interface ApiCase {
  id: string;
  centreId: string;
  status: CaseStatus;
  fiche: FicheDraft;
}

export interface DemoOutcome {
  created: { id: string; centreId: string; status: CaseStatus }[];
  /** Demo cases found from an earlier run, left as they are. */
  present: number;
}

/** The API as one user after another, with their tokens from POST /_local/token. */
function demoClient(baseUrl: string) {
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (email: string) => {
    let token = tokens.get(email);
    if (!token) {
      token = call(undefined, 'POST', '/_local/token', { email }).then(
        (body) => (body as { token: string }).token,
      );
      tokens.set(email, token);
    }
    return token;
  };
  async function call(
    as: string | undefined,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const bearer = as ? await tokenFor(as) : undefined;
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(bearer && { authorization: `Bearer ${bearer}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} as ${as ?? 'anyone'} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  return { call };
}

type Client = ReturnType<typeof demoClient>;

/** Every case of the centre the gestionnaire sees, page after page. */
async function casesOf(api: Client, centre: DemoCentre): Promise<ApiCase[]> {
  const found: ApiCase[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `/cases?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = (await api.call(centre.gestionnaire, 'GET', query)) as {
      items: ApiCase[];
      nextCursor: string | null;
    };
    found.push(...page.items.filter((c) => c.centreId === centre.centreId));
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

/** Today in Europe/Paris, as the API's dates are written. */
function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
}

/** Opens a case for the centre and drives it, event after event, to `target`. */
async function drive(api: Client, centre: DemoCentre, target: CaseStatus): Promise<string> {
  const { gestionnaire, commune, consultant } = centre;
  const story = STORIES[target];
  const fiche: FicheDraft = {
    ...story,
    signesAlerte: markOf(target),
    // The draft stops short of the demandeur: the console lists what is missing.
    ...(target !== 'brouillon' && { demandeur: centre.demandeur }),
  };
  const created = (await api.call(gestionnaire, 'POST', '/cases', {
    centreId: centre.centreId,
    fiche,
  })) as ApiCase;
  const id = created.id;
  const send = (as: string, event: Record<string, unknown>) =>
    api.call(as, 'POST', `/cases/${id}/events`, event) as Promise<ApiCase>;

  if (target === 'brouillon') return id;
  if (target === 'abandonnee') {
    await send(gestionnaire, { type: 'WITHDRAW', motif: 'La situation s’est réglée avec le financeur.' });
    return id;
  }
  await send(gestionnaire, { type: 'SUBMIT_FICHE' });
  if (target === 'fiche_transmise') return id;
  await send(COORDINATION, { type: 'OPEN_SAISINE' });
  await send(CAF, { type: 'GIVE_AVIS', avis: 'favorable', commentaire: 'Priorité du schéma départemental.' });
  if (target === 'saisine_concertee') return id;
  if (target === 'refusee') {
    await send(ETAT, { type: 'GIVE_AVIS', avis: 'defavorable', commentaire: 'Relève du droit commun.' });
    await send(COORDINATION, {
      type: 'REJECT',
      motif: 'La difficulté relève d’un accompagnement de droit commun.',
    });
    return id;
  }
  await send(commune, {
    type: 'GIVE_AVIS',
    avis: 'reserve',
    commentaire: 'Sous réserve d’un point d’étape.',
  });
  await send(COORDINATION, { type: 'ACCEPT', prestataireId: centre.prestataireId });
  if (target === 'diagnostic_en_cours') return id;
  await send(consultant, { type: 'SUBMIT_RAPPORT', documentId: await uploadRapport(api, consultant, id) });
  if (target === 'rapport_a_valider') return id;
  await send(gestionnaire, { type: 'VALIDATE_RAPPORT' });
  if (target === 'restitution_a_faire') return id;
  await send(consultant, { type: 'RECORD_RESTITUTION', date: today(), rencontrePartenaires: true });
  if (target === 'rencontre_partenaires') return id;
  await send(COORDINATION, {
    type: 'RECORD_RENCONTRE',
    date: today(),
    compteRendu: 'Plan d’action partagé ; point d’étape dans six mois.',
  });
  return id;
}

/** The rapport as a browser sends it: a ticket, the presigned POST straight to s3rver, the confirmation. */
async function uploadRapport(api: Client, consultant: string, caseId: string): Promise<string> {
  const bytes = demoRapportPdf('Rapport de diagnostic flash (demonstration)');
  const ticket = (await api.call(consultant, 'POST', `/cases/${caseId}/documents`, {
    kind: 'rapport',
    filename: 'Rapport diagnostic flash.pdf',
    contentType: 'application/pdf',
    size: bytes.length,
  })) as { document: { id: string }; upload: { url: string; fields: Record<string, string> } };
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.upload.fields)) form.append(name, value);
  form.append(
    'file',
    new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }),
    'Rapport diagnostic flash.pdf',
  );
  const stored = await fetch(ticket.upload.url, { method: 'POST', body: form });
  if (stored.status >= 300)
    throw new Error(`the upload to storage answered ${stored.status}: ${await stored.text()}`);
  await api.call(consultant, 'POST', `/cases/${caseId}/documents/${ticket.document.id}/confirm`);
  return ticket.document.id;
}

/** Runs `work` on each item, at most `size` at once. */
async function pool<T>(size: number, items: T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

/** Creates the demo cases missing on the stack at `baseUrl`; those already there are left alone. */
export async function seedDemo(baseUrl: string): Promise<DemoOutcome> {
  const api = demoClient(baseUrl);
  const missing: { centre: DemoCentre; status: CaseStatus }[] = [];
  let present = 0;
  for (const centre of CENTRES) {
    const marks = new Set((await casesOf(api, centre)).map((c) => c.fiche.signesAlerte));
    for (const status of DEMO_STATUSES) {
      if (marks.has(markOf(status))) present++;
      else missing.push({ centre, status });
    }
  }
  const created: DemoOutcome['created'] = [];
  await pool(6, missing, async ({ centre, status }) => {
    created.push({ id: await drive(api, centre, status), centreId: centre.centreId, status });
  });
  return { created, present };
}
