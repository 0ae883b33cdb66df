import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CASE_STATUSES } from '../../../shared/domain/case.ts';
import {
  addDays,
  DEFAULT_DELAIS,
  DELAI_STEPS,
  type DelaiStep,
  type Delais,
  DelaisSchema,
  daysUntil,
  deadlineOf,
  dueDate,
  durationOf,
  frenchPublicHolidays,
  isFrenchPublicHoliday,
  isOverdue,
  isWeekend,
  type Nature,
  parisDay,
  parseDelais,
  viewDeadline,
  waitingStep,
} from '../../../shared/domain/delais.ts';

// Every expected date below was read from a calendar and written by hand, never computed by the
// holiday library. Easter: 5 April 2026, 28 March 2027, 29 March 2043.

/** A two-day step (fiche_transmise, crise avérée) opened at 10:00 UTC on `day`. */
const twoDaysFrom = (day: string) =>
  dueDate({ openedAt: `${day}T10:00:00Z`, step: 'fiche_transmise', nature: 'crise_averee' }, DEFAULT_DELAIS);

describe('the délais table (DESIGN.md §3)', () => {
  // Opened on Monday 2 February 2026 (Paris 11:00): the raw date, then the due date.
  const cases: [DelaiStep, Nature, boolean, number, string][] = [
    ['fiche_transmise', 'preventive', false, 5, '2026-02-09'], // Sat 7 → Mon 9
    ['fiche_transmise', 'crise_averee', false, 2, '2026-02-04'],
    ['saisine_concertee', 'preventive', false, 10, '2026-02-12'],
    ['saisine_concertee', 'crise_averee', false, 5, '2026-02-09'], // Sat 7 → Mon 9
    ['diagnostic_en_cours', 'preventive', false, 30, '2026-03-04'],
    ['diagnostic_en_cours', 'crise_averee', false, 15, '2026-02-17'],
    ['diagnostic_en_cours', 'preventive', true, 15, '2026-02-17'],
    ['diagnostic_en_cours', 'crise_averee', true, 7, '2026-02-09'],
    ['rapport_a_valider', 'preventive', false, 15, '2026-02-17'],
    ['rapport_a_valider', 'crise_averee', false, 7, '2026-02-09'],
    ['restitution_a_faire', 'preventive', false, 30, '2026-03-04'],
    ['restitution_a_faire', 'crise_averee', false, 15, '2026-02-17'],
    ['rencontre_partenaires', 'preventive', false, 45, '2026-03-19'],
    ['rencontre_partenaires', 'crise_averee', false, 30, '2026-03-04'],
  ];

  it.each(cases)(
    '%s, %s (after a revision: %s): %i days, due %s',
    (step, nature, afterRevision, days, due) => {
      expect(durationOf({ step, nature, afterRevision }, DEFAULT_DELAIS)).toBe(days);
      expect(dueDate({ openedAt: '2026-02-02T10:00:00Z', step, nature, afterRevision }, DEFAULT_DELAIS)).toBe(
        due,
      );
    },
  );

  it('covers exactly the waiting statuses', () => {
    expect(Object.keys(DEFAULT_DELAIS)).toEqual([...DELAI_STEPS]);
    expect(DelaisSchema.parse(DEFAULT_DELAIS)).toEqual(DEFAULT_DELAIS);
  });

  it('applies the revision durations to diagnostic_en_cours only', () => {
    expect(
      durationOf({ step: 'rapport_a_valider', nature: 'preventive', afterRevision: true }, DEFAULT_DELAIS),
    ).toBe(15);
  });

  it('falls back to the préventive durations when the nature is missing', () => {
    expect(durationOf({ step: 'saisine_concertee' }, DEFAULT_DELAIS)).toBe(10);
    expect(
      durationOf({ step: 'diagnostic_en_cours', nature: undefined, afterRevision: true }, DEFAULT_DELAIS),
    ).toBe(15);
  });

  it('takes the durations from the table it is given', () => {
    const delais: Delais = { ...DEFAULT_DELAIS, saisine_concertee: { preventive: 1, crise_averee: 3 } };
    expect(
      dueDate(
        { openedAt: '2026-02-02T10:00:00Z', step: 'saisine_concertee', nature: 'crise_averee' },
        delais,
      ),
    ).toBe('2026-02-05');
  });

  it('keeps its defaults frozen', () => {
    expect(Object.isFrozen(DEFAULT_DELAIS.diagnostic_en_cours.afterRevision)).toBe(true);
  });
});

describe('a due date that is not a working day', () => {
  it('moves from a Saturday or a Sunday to the Monday', () => {
    expect(twoDaysFrom('2026-02-05')).toBe('2026-02-09'); // Sat 7
    expect(twoDaysFrom('2026-02-06')).toBe('2026-02-09'); // Sun 8
  });

  it.each([
    ['2026-03-30', '2026-04-01', 'a Wednesday stays'],
    ['2026-04-04', '2026-04-07', 'Easter Monday 2026 (6 April)'],
    ['2027-03-27', '2027-03-30', 'Easter Monday 2027 (29 March)'],
    ['2026-04-29', '2026-05-04', '1 May 2026, a Friday, then the weekend'],
    ['2026-05-06', '2026-05-11', '8 May 2026, a Friday, then the weekend'],
    ['2026-05-12', '2026-05-15', 'Ascension Thursday 2026 (14 May)'],
    ['2026-05-23', '2026-05-26', 'Whit Monday 2026 (25 May)'],
    ['2027-05-04', '2027-05-07', 'Ascension Thursday 2027 (6 May)'],
    ['2027-05-15', '2027-05-18', 'Whit Monday 2027 (17 May)'],
    ['2026-07-12', '2026-07-15', '14 July 2026, a Tuesday'],
    ['2028-08-13', '2028-08-16', '15 August 2028, a Tuesday'],
    ['2026-08-13', '2026-08-17', '15 August 2026, a Saturday'],
    ['2027-10-30', '2027-11-02', '1 November 2027, a Monday'],
    ['2026-10-30', '2026-11-02', '1 November 2026, a Sunday'],
    ['2026-11-09', '2026-11-12', '11 November 2026, a Wednesday'],
    ['2026-12-23', '2026-12-28', '25 December 2026, a Friday, then the weekend'],
    ['2026-12-30', '2027-01-04', '1 January 2027, a Friday, across the year'],
    ['2043-05-05', '2043-05-11', 'Ascension on 7 May 2043, then 8 May, then the weekend'],
  ])('opened %s, due %s: %s', (opened, due) => {
    expect(twoDaysFrom(opened)).toBe(due);
  });

  it('ignores the Alsace-Moselle holidays (Good Friday, 26 December)', () => {
    expect(twoDaysFrom('2026-04-01')).toBe('2026-04-03'); // Good Friday 2026
    expect(twoDaysFrom('2029-12-24')).toBe('2029-12-26'); // a Wednesday
  });

  it('asks the holiday function it is given', () => {
    const closed = new Set(['2026-02-04', '2026-02-05']);
    const due = dueDate(
      { openedAt: '2026-02-02T10:00:00Z', step: 'fiche_transmise', nature: 'crise_averee' },
      DEFAULT_DELAIS,
      (day) => closed.has(day),
    );
    expect(due).toBe('2026-02-06');
  });
});

describe('French public holidays', () => {
  it('lists the eleven of metropolitan France', () => {
    expect(frenchPublicHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-06',
      '2026-05-01',
      '2026-05-08',
      '2026-05-14',
      '2026-05-25',
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
    expect(frenchPublicHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-03-29',
      '2027-05-01',
      '2027-05-06',
      '2027-05-08',
      '2027-05-17',
      '2027-07-14',
      '2027-08-15',
      '2027-11-01',
      '2027-11-11',
      '2027-12-25',
    ]);
    expect(isFrenchPublicHoliday('2026-04-05')).toBe(false); // Easter Sunday is a Sunday, not on the list
    expect(isFrenchPublicHoliday('2026-12-26')).toBe(false);
  });

  it('refuses a year the library does not get right, and what is not a day', () => {
    expect(() => isFrenchPublicHoliday('2106-04-19')).toThrow(/2000–2099/);
    expect(() => isFrenchPublicHoliday('2026-02-30')).toThrow(RangeError);
    expect(() => isWeekend('26-02-03')).toThrow(RangeError);
  });

  describe('whatever the time zone of the process', () => {
    const zone = process.env.TZ;
    afterEach(() => {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
      vi.resetModules();
    });

    it('keeps Easter Monday in Australia/Sydney, where summer time ends on Easter Sunday 2026', async () => {
      process.env.TZ = 'Australia/Sydney';
      // The zone did change: 5 April 2026 has two offsets there (AEDT, then AEST).
      expect(new Date(2026, 3, 5).getTimezoneOffset()).not.toBe(new Date(2026, 3, 6).getTimezoneOffset());
      vi.resetModules();
      const fresh = await import('../../../shared/domain/delais.ts');
      expect(fresh.frenchPublicHolidays(2026)).toContain('2026-04-06');
      expect(fresh.frenchPublicHolidays(2026)).not.toContain('2026-04-05');
      expect(fresh.frenchPublicHolidays(2026)).toEqual(frenchPublicHolidays(2026));
    });
  });
});

describe('the day in Paris', () => {
  it.each([
    ['2026-01-12T22:59:59Z', '2026-01-12', 'winter (UTC+1), a second before midnight'],
    ['2026-01-12T23:00:00Z', '2026-01-13', 'winter, midnight'],
    ['2026-03-28T23:30:00Z', '2026-03-29', 'the night summer time begins (still UTC+1)'],
    ['2026-03-29T01:00:00Z', '2026-03-29', 'summer time begins (03:00 in Paris)'],
    ['2026-07-13T21:59:59Z', '2026-07-13', 'summer (UTC+2), a second before midnight'],
    ['2026-07-13T22:00:00Z', '2026-07-14', 'summer, midnight'],
    ['2026-10-24T22:00:00Z', '2026-10-25', 'the night summer time ends (still UTC+2)'],
    ['2026-12-31T23:15:00Z', '2027-01-01', 'across the year'],
    ['2026-03-29T00:30:00+01:00', '2026-03-29', 'an instant with an offset'],
    ['2026-07-14T01:00:00.123+02:00', '2026-07-14', 'with fractions of a second'],
  ])('%s is %s (%s)', (instant, day) => {
    expect(parisDay(instant)).toBe(day);
    expect(parisDay(new Date(instant))).toBe(day);
  });

  it('refuses what is not an instant with its offset', () => {
    for (const bad of ['2026-03-28T23:30:00', '2026-03-28', 'hier', '']) {
      expect(() => parisDay(bad), bad).toThrow(RangeError);
    }
    expect(() => parisDay(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('counts from the Paris day of an instant near midnight UTC', () => {
    const from = (openedAt: string) =>
      dueDate({ openedAt, step: 'fiche_transmise', nature: 'crise_averee' }, DEFAULT_DELAIS);
    // Winter: Monday 12 January 2026 at 23:30 UTC is Tuesday 13 in Paris.
    expect(from('2026-01-12T22:59:59Z')).toBe('2026-01-14');
    expect(from('2026-01-12T23:30:00Z')).toBe('2026-01-15');
    // Summer: Monday 8 June 2026 at 22:30 UTC is Tuesday 9 in Paris.
    expect(from('2026-06-08T21:59:59Z')).toBe('2026-06-10');
    expect(from('2026-06-08T22:30:00Z')).toBe('2026-06-11');
  });
});

describe('overdue and reminders', () => {
  it('is overdue from the day after the due date (in Paris), not on it', () => {
    expect(isOverdue('2026-05-04', '2026-05-03T12:00:00Z')).toBe(false);
    expect(isOverdue('2026-05-04', '2026-05-04T08:00:00Z')).toBe(false);
    expect(isOverdue('2026-05-04', '2026-05-04T21:59:59Z')).toBe(false); // 23:59:59 in Paris
    expect(isOverdue('2026-05-04', '2026-05-04T22:00:00Z')).toBe(true); // 5 May, 00:00 in Paris
    expect(isOverdue('2026-05-04', new Date('2026-05-05T09:00:00Z'))).toBe(true);
  });

  it('counts the calendar days left', () => {
    expect(daysUntil('2026-05-04', '2026-05-01T21:30:00Z')).toBe(3);
    expect(daysUntil('2026-05-04', '2026-05-01T22:30:00Z')).toBe(2); // 2 May in Paris: the reminder day
    expect(daysUntil('2026-05-04', '2026-05-04T10:00:00Z')).toBe(0);
    expect(daysUntil('2026-05-04', '2026-05-06T10:00:00Z')).toBe(-2);
    expect(daysUntil('2027-01-04', '2026-12-31T10:00:00Z')).toBe(4);
  });

  it('refuses a due date that is not a day', () => {
    expect(() => isOverdue('2026-5-4', '2026-05-04T10:00:00Z')).toThrow(RangeError);
  });
});

describe('the deadline of a status', () => {
  const opened = { openedAt: '2026-04-29T10:00:00Z', nature: 'crise_averee' } as const;

  it('exists for the waiting steps only', () => {
    const waiting = CASE_STATUSES.filter((status) => waitingStep(status));
    expect(waiting).toEqual([...DELAI_STEPS]);
    for (const status of ['brouillon', 'cloturee', 'refusee', 'abandonnee'] as const) {
      expect(waitingStep(status)).toBeUndefined();
      expect(deadlineOf(status, opened, DEFAULT_DELAIS)).toBeUndefined();
    }
  });

  it('is the due date of the step the status waits on', () => {
    expect(deadlineOf('fiche_transmise', opened, DEFAULT_DELAIS)).toEqual({
      step: 'fiche_transmise',
      dueAt: '2026-05-04',
    });
    expect(deadlineOf('diagnostic_en_cours', opened, DEFAULT_DELAIS)).toEqual({
      step: 'diagnostic_en_cours',
      dueAt: '2026-05-15', // 14 May is Ascension Thursday
    });
    expect(deadlineOf('diagnostic_en_cours', { ...opened, afterRevision: true }, DEFAULT_DELAIS)).toEqual({
      step: 'diagnostic_en_cours',
      dueAt: '2026-05-06',
    });
  });

  it('is seen as overdue from the day after', () => {
    const deadline = { step: 'fiche_transmise', dueAt: '2026-05-04' } as const;
    expect(viewDeadline(deadline, '2026-05-04T21:00:00Z')).toEqual({ ...deadline, overdue: false });
    expect(viewDeadline(deadline, '2026-05-04T22:00:00Z')).toEqual({ ...deadline, overdue: true });
  });
});

describe('a délais configuration', () => {
  const config = (patch: Record<string, unknown>) => ({ ...structuredClone(DEFAULT_DELAIS), ...patch });

  it('is read from JSON', () => {
    expect(parseDelais(JSON.parse(JSON.stringify(DEFAULT_DELAIS)))).toEqual(DEFAULT_DELAIS);
  });

  it.each([
    [config({ saisine_concertee: { preventive: 10 } }), 'saisine_concertee.crise_averee'],
    [
      config({ rapport_a_valider: { preventive: 0, crise_averee: 7 } }),
      'rapport_a_valider.preventive: At least 1 day',
    ],
    [config({ fiche_transmise: { preventive: 2.5, crise_averee: 2 } }), 'fiche_transmise.preventive'],
    [config({ fiche_transmise: { preventive: '5', crise_averee: 2 } }), 'fiche_transmise.preventive'],
    [config({ fiche_transmise: { preventive: 5, crise_avere: 2 } }), 'crise_avere'],
    [
      config({ diagnostic_en_cours: { preventive: 30, crise_averee: 15 } }),
      'diagnostic_en_cours.afterRevision',
    ],
    [config({ cloturee: { preventive: 1, crise_averee: 1 } }), 'cloturee'],
  ])('that fails the schema names the field (%#: %s)', (input, field) => {
    expect(() => parseDelais(input)).toThrow(field);
  });

  it('that is not an object says so', () => {
    expect(() => parseDelais(null)).toThrow(/Invalid délais configuration: \(root\)/);
  });
});

describe('property: a due date', () => {
  const days = fc.integer({ min: 1, max: 366 });
  const pair = fc.record({ preventive: days, crise_averee: days });
  const delais = fc.record({
    fiche_transmise: pair,
    saisine_concertee: pair,
    diagnostic_en_cours: fc.record({ preventive: days, crise_averee: days, afterRevision: pair }),
    rapport_a_valider: pair,
    restitution_a_faire: pair,
    rencontre_partenaires: pair,
  });

  it('is a working day, the first one on or after the raw calendar date', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2098-12-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...DELAI_STEPS),
        fc.option(fc.constantFrom<Nature>('preventive', 'crise_averee'), { nil: undefined }),
        fc.boolean(),
        fc.oneof(fc.constant(DEFAULT_DELAIS), delais),
        (openedAt, step, nature, afterRevision, table) => {
          const input = { openedAt: openedAt.toISOString(), step, nature, afterRevision };
          const raw = addDays(parisDay(openedAt), durationOf(input, table));
          const due = dueDate(input, table);
          expect(isWeekend(due)).toBe(false);
          expect(isFrenchPublicHoliday(due)).toBe(false);
          expect(due >= raw).toBe(true);
          // Never more than four days late (Ascension on 7 May, 8 May, the weekend), and every day
          // skipped was a weekend day or a holiday.
          expect(due <= addDays(raw, 4)).toBe(true);
          for (let day = raw; day < due; day = addDays(day, 1)) {
            expect(isWeekend(day) || isFrenchPublicHoliday(day)).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
