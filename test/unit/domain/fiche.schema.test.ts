import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FicheDraft,
  FicheDraftSchema,
  missingFicheFields,
} from '../../../shared/domain/fiche.schema.ts';
import { isoDate, MAX_TEXT, refId, text } from '../../../shared/domain/text.ts';
import { completeFiche } from '../../helpers/case-fixtures.ts';

const issuePaths = (fiche: unknown) =>
  FicheDraftSchema.safeParse(fiche).error?.issues.map((i) => i.path.join('.'));

describe('FicheDraftSchema', () => {
  it('accepts a complete fiche with every optional field', () => {
    const fiche = completeFiche({
      domaines: ['ressources_humaines', 'autre'],
      domaineAutre: 'Relations avec la commune',
      attentes: 'Un regard extérieur sur la gouvernance',
      partenairesInformes: ['caf13', 'commune-marseille'],
      demandeur: {
        nom: 'Claire Martin',
        qualite: 'Présidente',
        email: 'ca@example.org',
        telephone: '+33 4 91 00 00 00',
      },
    });

    expect(FicheDraftSchema.safeParse(fiche)).toEqual({ success: true, data: fiche });
  });

  it('accepts an empty draft: every field is optional until SUBMIT_FICHE', () => {
    expect(FicheDraftSchema.safeParse({})).toEqual({ success: true, data: {} });
  });

  it('rejects a domaine given twice', () => {
    expect(issuePaths(completeFiche({ domaines: ['gouvernance', 'autre', 'gouvernance'] }))).toEqual([
      'domaines',
    ]);
  });

  it('refuses a list longer than the domaines that exist with one issue, without reading each item', () => {
    expect(issuePaths({ domaines: Array(500_000).fill(1) })).toEqual(['domaines']);
  });

  it.each([
    ['no domaine', { domaines: [] }, 'domaines'],
    ['an unknown domaine', { domaines: ['communication'] }, 'domaines.0'],
    ['an unknown nature', { nature: 'urgente' }, 'nature'],
    ['a blank signesAlerte', { signesAlerte: '   ' }, 'signesAlerte'],
    ['a too long attentes', { attentes: 'a'.repeat(MAX_TEXT + 1) }, 'attentes'],
    ['an invalid email', { demandeur: { nom: 'A', qualite: 'B', email: 'pas-un-email' } }, 'demandeur.email'],
    ['an invalid telephone', { demandeur: { telephone: 'appelez-moi' } }, 'demandeur.telephone'],
    ['an unknown field', { urgence: true }, ''],
    ['an unknown demandeur field', { demandeur: { nom: 'A', age: 40 } }, 'demandeur'],
    ['a partner informed twice', { partenairesInformes: ['caf13', 'caf13'] }, 'partenairesInformes'],
    ['a partner id that is not an id', { partenairesInformes: ['La Caf'] }, 'partenairesInformes.0'],
  ])('rejects %s', (_, overrides, path) => {
    expect(issuePaths({ ...completeFiche(), ...overrides })).toEqual([path]);
  });

  it('trims its texts', () => {
    const result = FicheDraftSchema.safeParse({ signesAlerte: '  Trésorerie tendue \n' });

    expect(result.data).toEqual({ signesAlerte: 'Trésorerie tendue' });
  });
});

describe('missingFicheFields', () => {
  const REQUIRED = [
    'nature',
    'domaines',
    'signesAlerte',
    'demandeur.nom',
    'demandeur.qualite',
    'demandeur.email',
  ];

  const without = (fiche: FicheDraft, paths: string[]): FicheDraft => {
    const copy = structuredClone(fiche);
    for (const path of paths) {
      const [head, leaf] = path.split('.') as [keyof FicheDraft, string | undefined];
      if (leaf && copy.demandeur) delete copy.demandeur[leaf as keyof NonNullable<FicheDraft['demandeur']>];
      else delete copy[head];
    }
    return copy;
  };

  it('finds nothing missing in a complete fiche', () => {
    expect(missingFicheFields(completeFiche())).toEqual([]);
  });

  it('names every required field of an empty fiche', () => {
    expect(missingFicheFields({})).toEqual(REQUIRED);
  });

  it('names exactly the required fields removed from a complete fiche, in order', () => {
    fc.assert(
      fc.property(fc.subarray(REQUIRED), (removed) => {
        expect(missingFicheFields(without(completeFiche(), removed))).toEqual(removed);
      }),
    );
  });

  it('names domaineAutre only when domaines has "autre" and domaineAutre is absent', () => {
    expect(missingFicheFields(completeFiche({ domaines: ['autre'] }))).toEqual(['domaineAutre']);
    expect(
      missingFicheFields(completeFiche({ domaines: ['gouvernance', 'autre'], domaineAutre: 'Locaux' })),
    ).toEqual([]);
    expect(missingFicheFields(completeFiche({ domaines: ['gouvernance'] }))).toEqual([]);
    expect(missingFicheFields(completeFiche({ domaines: [] }))).toEqual(['domaines']);
  });
});

describe('text helpers', () => {
  it('text() trims and accepts 1 to 5,000 characters', () => {
    expect(text().safeParse(' a ').data).toBe('a');
    expect(text().safeParse(' ').success).toBe(false);
    expect(text().safeParse('a'.repeat(MAX_TEXT)).success).toBe(true);
    expect(text().safeParse('a'.repeat(MAX_TEXT + 1)).success).toBe(false);
  });

  it('isoDate() accepts existing calendar days only', () => {
    expect(['2026-03-14', '2024-02-29', '2000-02-29'].map((d) => isoDate().safeParse(d).success)).toEqual([
      true,
      true,
      true,
    ]);
    expect(
      ['2026-02-30', '2026-13-01', '1900-02-29', '2026-03-14 '].map((d) => isoDate().safeParse(d).success),
    ).toEqual([false, false, false, false]);
  });

  it('refId() accepts lower-case words joined by dashes, up to 63 characters', () => {
    const ok = ['caf13', 'commune-marseille', 'd-01jq7k9m2x3v4b5n6p7q8r9s0t', 'a'.repeat(63)];
    const refused = ['', '-caf13', 'Caf13', 'commune_marseille', 'caf13/..', 'a'.repeat(64), 'caf 13'];

    expect(ok.filter((id) => !refId().safeParse(id).success)).toEqual([]);
    expect(refused.filter((id) => refId().safeParse(id).success)).toEqual([]);
  });
});
