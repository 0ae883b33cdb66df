import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_EVENT_TYPES } from '../../../shared/domain/case.ts';
import {
  CaseEventBodySchema,
  EVENT_SENDER,
  SCHEMA_EVENT_TYPES,
} from '../../../workflows/case-events.schema.ts';

const parse = (body: unknown) => CaseEventBodySchema.safeParse(body);
const issuesOf = (body: unknown) =>
  parse(body).error?.issues.map((i) => ({ path: i.path.join('.'), code: i.code }));

/** One valid body of each event type, with every optional field (DESIGN.md §3). */
const VALID_BODIES = [
  { type: 'SUBMIT_FICHE' },
  { type: 'REQUEST_COMPLEMENT', message: 'Précisez les signes d’alerte' },
  { type: 'OPEN_SAISINE', partenaireIds: ['caf13', 'commune-marseille'] },
  { type: 'GIVE_AVIS', avis: 'favorable', commentaire: 'Situation préoccupante' },
  { type: 'ACCEPT', prestataireId: 'singuliers-co' },
  { type: 'REJECT', motif: 'Hors du champ du dispositif' },
  { type: 'SUBMIT_RAPPORT', documentId: 'd-01jq7k9m2x3v4b5n6p7q8r9s0t' },
  { type: 'REQUEST_REVISION', commentaire: 'La partie RH est à reprendre' },
  { type: 'VALIDATE_RAPPORT' },
  {
    type: 'RECORD_RESTITUTION',
    date: '2026-03-14',
    rencontrePartenaires: true,
    compteRendu: 'Restitution faite',
  },
  { type: 'RECORD_RENCONTRE', date: '2026-04-02', compteRendu: 'Rencontre tenue' },
  { type: 'WITHDRAW', motif: 'Difficulté résolue' },
];

/** The free texts of each event: [type, field, required]. */
const TEXT_FIELDS = [
  ['REQUEST_COMPLEMENT', 'message', true],
  ['GIVE_AVIS', 'commentaire', false],
  ['REJECT', 'motif', true],
  ['REQUEST_REVISION', 'commentaire', true],
  ['RECORD_RESTITUTION', 'compteRendu', false],
  ['RECORD_RENCONTRE', 'compteRendu', false],
  ['WITHDRAW', 'motif', false],
] as const;

const validBody = (type: string) => {
  const body = VALID_BODIES.find((b) => b.type === type);
  if (!body) throw new Error(`No valid body for ${type}`);
  return body;
};

describe('event bodies', () => {
  it('cover exactly the twelve event types of DESIGN.md §3, the domain’s', () => {
    expect([...CASE_EVENT_TYPES].sort()).toEqual(VALID_BODIES.map((b) => b.type).sort());
    expect([...SCHEMA_EVENT_TYPES].sort()).toEqual([...CASE_EVENT_TYPES].sort());
  });

  it.each(VALID_BODIES)('accept a valid $type body', (body) => {
    expect(parse(body)).toEqual({ success: true, data: body });
  });

  it('accept the bodies without their optional fields', () => {
    const minimal = [
      { type: 'OPEN_SAISINE' },
      { type: 'GIVE_AVIS', avis: 'defavorable' },
      { type: 'RECORD_RESTITUTION', date: '2026-03-14', rencontrePartenaires: false },
      { type: 'RECORD_RENCONTRE', date: '2026-04-02' },
      { type: 'WITHDRAW' },
    ];

    expect(minimal.filter((b) => !parse(b).success)).toEqual([]);
  });

  it.each(VALID_BODIES)('reject an unknown field in a $type body', (body) => {
    expect(issuesOf({ ...body, version: 3 })).toEqual([{ path: '', code: 'unrecognized_keys' }]);
  });

  it.each([
    ['an unknown type', { type: 'APPROVE' }],
    ['the internal fiche update', { type: 'UPDATE_FICHE', fiche: {} }],
    ['a type in the wrong case', { type: 'submit_fiche' }],
    ['no type', { message: 'Bonjour' }],
    ['a non-object', 'SUBMIT_FICHE'],
    ['null', null],
  ])('reject %s', (_, body) => {
    expect(parse(body).success).toBe(false);
  });

  it.each([
    ['an avis outside the enum', { type: 'GIVE_AVIS', avis: 'neutre' }, 'avis'],
    ['an avis in the wrong case', { type: 'GIVE_AVIS', avis: 'Favorable' }, 'avis'],
    [
      'rencontrePartenaires as a string',
      { type: 'RECORD_RESTITUTION', date: '2026-03-14', rencontrePartenaires: 'true' },
      'rencontrePartenaires',
    ],
    [
      'a missing rencontrePartenaires',
      { type: 'RECORD_RESTITUTION', date: '2026-03-14' },
      'rencontrePartenaires',
    ],
    ['a prestataire id with capitals', { type: 'ACCEPT', prestataireId: 'Singuliers-Co' }, 'prestataireId'],
    ['a document id with a slash', { type: 'SUBMIT_RAPPORT', documentId: '../rapport' }, 'documentId'],
  ])('reject %s', (_, body, path) => {
    expect(issuesOf(body)?.map((i) => i.path)).toContain(path);
  });
});

describe('free texts', () => {
  it.each(TEXT_FIELDS)('%s.%s is rejected when empty or blank', (type, field) => {
    for (const blank of ['', '   ', '\n\t ']) {
      expect(issuesOf({ ...validBody(type), [field]: blank })).toEqual([{ path: field, code: 'too_small' }]);
    }
  });

  it.each(TEXT_FIELDS)('%s.%s is rejected above 5,000 characters', (type, field) => {
    expect(issuesOf({ ...validBody(type), [field]: 'é'.repeat(5001) })).toEqual([
      { path: field, code: 'too_big' },
    ]);
  });

  it.each(TEXT_FIELDS)('%s.%s is trimmed and accepted up to 5,000 characters', (type, field) => {
    const result = parse({ ...validBody(type), [field]: `  ${'x'.repeat(5000)}\n` });

    expect(result.success && (result.data as Record<string, unknown>)[field]).toBe('x'.repeat(5000));
  });

  it.each(TEXT_FIELDS.filter(([, , required]) => required))('%s.%s is required', (type, field) => {
    const { [field]: _, ...without } = validBody(type) as Record<string, unknown>;

    expect(issuesOf(without)?.map((i) => i.path)).toEqual([field]);
  });

  it('accepts a text exactly when its trimmed length is 1 to 5,000, and keeps it trimmed', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 20 }), fc.string({ minLength: 4990, maxLength: 5010 })),
        fc.constantFrom('', ' ', '\n', '\t  '),
        (core, padding) => {
          const motif = `${padding}${core}${padding}`;
          const trimmed = motif.trim();

          const result = parse({ type: 'REJECT', motif });

          expect(result.success).toBe(trimmed.length >= 1 && trimmed.length <= 5000);
          if (result.success) expect(result.data).toEqual({ type: 'REJECT', motif: trimmed });
        },
      ),
    );
  });
});

describe('dates', () => {
  const withDate = (date: unknown) => [
    { type: 'RECORD_RESTITUTION', date, rencontrePartenaires: false },
    { type: 'RECORD_RENCONTRE', date },
  ];

  it.each([
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2025-02-29',
    '2026-3-14',
    '14/03/2026',
    '2026-03-14T10:00:00Z',
    '',
    20260314,
  ])('reject %s', (date) => {
    for (const body of withDate(date)) expect(issuesOf(body)?.map((i) => i.path)).toContain('date');
  });

  it.each(['2026-03-14', '2024-02-29', '2026-12-31', '2027-01-01'])('accept %s', (date) => {
    for (const body of withDate(date)) expect(parse(body).success).toBe(true);
  });

  it('accept a year-month-day exactly when that day exists in the calendar', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (year, month, day) => {
          const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();

          expect(parse({ type: 'RECORD_RENCONTRE', date }).success).toBe(day <= daysInMonth);
        },
      ),
    );
  });
});

describe('OPEN_SAISINE partner ids', () => {
  it.each([
    ['an empty list', []],
    ['the same partner twice', ['caf13', 'etat', 'caf13']],
    ['an id that is not an id', ['caf13', 'Commune de Marseille']],
    ['more than fifty ids', Array.from({ length: 51 }, (_, i) => `commune-${i}`)],
  ])('reject %s', (_, partenaireIds) => {
    expect(parse({ type: 'OPEN_SAISINE', partenaireIds }).success).toBe(false);
  });
});

describe('hostile bodies', () => {
  it('never throw: any value is either a valid event body or a list of issues', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc
            .record({ type: fc.constantFrom(...CASE_EVENT_TYPES) }, { requiredKeys: [] })
            .chain((base) =>
              fc.dictionary(fc.string(), fc.anything()).map((extra) => ({ ...extra, ...base })),
            ),
        ),
        (body) => {
          const result = parse(body);

          expect(result.success || (result.error?.issues.length ?? 0) > 0).toBe(true);
        },
      ),
    );
  });
});

describe('EVENT_SENDER', () => {
  it('names the sender of each event as in DESIGN.md §3, by its relation to the case', () => {
    // 'partenaire' is a consulted one, 'prestataire' the assigned one: the only ones with a relation.
    expect(EVENT_SENDER).toEqual({
      UPDATE_FICHE: 'gestionnaire',
      SUBMIT_FICHE: 'gestionnaire',
      REQUEST_COMPLEMENT: 'coordinateur',
      OPEN_SAISINE: 'coordinateur',
      GIVE_AVIS: 'partenaire',
      ACCEPT: 'coordinateur',
      REJECT: 'coordinateur',
      SUBMIT_RAPPORT: 'prestataire',
      REQUEST_REVISION: 'gestionnaire',
      VALIDATE_RAPPORT: 'gestionnaire',
      RECORD_RESTITUTION: 'prestataire',
      RECORD_RENCONTRE: 'coordinateur',
      WITHDRAW: 'gestionnaire',
    });
  });
});
