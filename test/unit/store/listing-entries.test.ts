import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listingEntryChanges } from '../../../shared/store/listing-entries.ts';

const CENTRE = 'org#cs-tilleuls';
const FEDERATION = 'org#fed-ifac';
const COORDINATION = 'coordination';
const CAF = 'org#caf13';
const ETAT = 'org#etat';

describe('the listing entries a change writes and deletes', () => {
  it('writes every viewer’s entry of a new case, and deletes none', () => {
    expect(
      listingEntryChanges({
        viewersBefore: [],
        viewersAfter: [CENTRE, FEDERATION],
        statusAfter: 'brouillon',
      }),
    ).toEqual({ put: [CENTRE, FEDERATION], remove: [] });
  });

  it('writes nothing when neither the status nor the viewers change (an UPDATE_FICHE)', () => {
    expect(
      listingEntryChanges({
        viewersBefore: [CENTRE],
        viewersAfter: [CENTRE],
        statusBefore: 'brouillon',
        statusAfter: 'brouillon',
      }),
    ).toEqual({ put: [], remove: [] });
  });

  it('writes every entry again when the status changes, since each carries it (SUBMIT_FICHE)', () => {
    expect(
      listingEntryChanges({
        viewersBefore: [CENTRE],
        viewersAfter: [CENTRE, COORDINATION],
        statusBefore: 'brouillon',
        statusAfter: 'fiche_transmise',
      }),
    ).toEqual({ put: [CENTRE, COORDINATION], remove: [] });
  });

  it('writes only a new viewer’s entry when the status stays', () => {
    expect(
      listingEntryChanges({
        viewersBefore: [CENTRE, COORDINATION],
        viewersAfter: [CENTRE, COORDINATION, CAF],
        statusBefore: 'saisine_concertee',
        statusAfter: 'saisine_concertee',
      }),
    ).toEqual({ put: [CAF], remove: [] });
  });

  it('deletes the entry of a viewer who no longer sees the case, status changed or not', () => {
    for (const statusAfter of ['saisine_concertee', 'refusee']) {
      expect(
        listingEntryChanges({
          viewersBefore: [CENTRE, COORDINATION, ETAT],
          viewersAfter: [CENTRE, COORDINATION],
          statusBefore: 'saisine_concertee',
          statusAfter,
        }).remove,
      ).toEqual([ETAT]);
    }
  });

  it('leaves every viewer after the change with an entry of the current status, and no one else', () => {
    const viewers = fc.uniqueArray(fc.constantFrom<string>(CENTRE, FEDERATION, COORDINATION, CAF, ETAT));
    const status = fc.constantFrom('brouillon', 'fiche_transmise', 'saisine_concertee');
    fc.assert(
      fc.property(
        viewers,
        viewers,
        fc.option(status, { nil: undefined }),
        status,
        (before, after, from, to) => {
          // The entries as they stand: each viewer before, with the status before.
          const entries = new Map(before.map((viewer) => [viewer, from]));
          const { put, remove } = listingEntryChanges({
            viewersBefore: before,
            viewersAfter: after,
            statusBefore: from,
            statusAfter: to,
          });
          for (const viewer of remove) entries.delete(viewer);
          for (const viewer of put) entries.set(viewer, to);

          expect(new Map(after.map((viewer) => [viewer, to]))).toEqual(entries);
          expect(put.filter((viewer) => remove.includes(viewer))).toEqual([]);
        },
      ),
    );
  });
});
