import getJoursFeries from '@socialgouv/jours-feries';
import type { CaseEventType, CaseStatus } from './case.ts';
import type { NATURES } from './fiche.schema.ts';
import * as z from './zod.ts';

/**
 * Délais (DESIGN.md §3): each waiting step has a due date, set by the transition that opens it, in
 * calendar days from a per-nature table held in configuration. A due date that falls on a Saturday,
 * a Sunday or a French public holiday moves to the next working day. Dates are days in
 * Europe/Paris (`YYYY-MM-DD`); a step is overdue from the day after its due date.
 *
 * Pure: no clock (the caller passes `now`), no configuration read (the caller passes the table).
 */

export type Nature = (typeof NATURES)[number];

/** The statuses that wait on someone, in the order of the procedure. */
export const DELAI_STEPS = [
  'fiche_transmise',
  'saisine_concertee',
  'diagnostic_en_cours',
  'rapport_a_valider',
  'restitution_a_faire',
  'rencontre_partenaires',
] as const satisfies readonly CaseStatus[];
export type DelaiStep = (typeof DELAI_STEPS)[number];

/** The event that reopens `diagnostic_en_cours` with the shorter, after-revision durations. */
export const REVISION_EVENT = 'REQUEST_REVISION' satisfies CaseEventType;

const days = z
  .number()
  .check(z.int('A whole number of days'), z.gte(1, 'At least 1 day'), z.lte(366, 'At most 366 days'));
const perNature = { preventive: days, crise_averee: days } satisfies Record<Nature, typeof days>;
const PerNatureSchema = z.strictObject(perNature);

/**
 * The table of durations in calendar days, per step and nature; `diagnostic_en_cours` also has the
 * durations after a revision request. Strict: an unknown or misspelt key is refused by name, so a
 * configuration (a JSON env var, say) cannot silently fall back to a default.
 */
export const DelaisSchema = z.strictObject({
  fiche_transmise: PerNatureSchema,
  saisine_concertee: PerNatureSchema,
  diagnostic_en_cours: z.strictObject({ ...perNature, afterRevision: PerNatureSchema }),
  rapport_a_valider: PerNatureSchema,
  restitution_a_faire: PerNatureSchema,
  rencontre_partenaires: PerNatureSchema,
});
export type Delais = z.infer<typeof DelaisSchema>;

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (typeof inner === 'object' && inner) deepFreeze(inner);
  return Object.freeze(value);
}

/** DESIGN.md §3's defaults (frozen: shared by every caller). */
export const DEFAULT_DELAIS: Delais = deepFreeze({
  fiche_transmise: { preventive: 5, crise_averee: 2 },
  saisine_concertee: { preventive: 10, crise_averee: 5 },
  diagnostic_en_cours: {
    preventive: 30,
    crise_averee: 15,
    afterRevision: { preventive: 15, crise_averee: 7 },
  },
  rapport_a_valider: { preventive: 15, crise_averee: 7 },
  restitution_a_faire: { preventive: 30, crise_averee: 15 },
  rencontre_partenaires: { preventive: 45, crise_averee: 30 },
});

/**
 * Reads a table from configuration (already JSON-parsed). Throws an Error whose message names each
 * wrong field (`saisine_concertee.crise_averee: At least 1 day`).
 */
export function parseDelais(input: unknown): Delais {
  const parsed = DelaisSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const keys = 'keys' in issue ? ` (${issue.keys.join(', ')})` : '';
    return `${path || '(root)'}: ${issue.message}${keys}`;
  });
  throw new Error(`Invalid délais configuration: ${fields.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------
// Days in Europe/Paris

/** A day as `YYYY-MM-DD`. */
export type Day = string;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// An instant names its offset: a bare local time would be read in the process's zone.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

let paris: Intl.DateTimeFormat | undefined;

/**
 * Made on first use: a formatter with a time zone takes ~15 ms to create (ICU loads the zone),
 * which a function that never reads a day (most import this module through the configuration)
 * should not pay at start.
 */
const parisFormat = () =>
  (paris ??= new Intl.DateTimeFormat('en-US', {
    timeZone: 'Europe/Paris',
    calendar: 'gregory',
    numberingSystem: 'latn',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }));

function toDate(instant: string | Date): Date {
  const date = typeof instant === 'string' && INSTANT.test(instant) ? new Date(instant) : instant;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RangeError(`Not an instant with its offset: ${String(instant)}`);
  }
  return date;
}

/** The day in Europe/Paris of an instant (an ISO string with `Z` or an offset, or a Date). */
export function parisDay(instant: string | Date): Day {
  const parts = Object.fromEntries(
    parisFormat()
      .formatToParts(toDate(instant))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** Day numbers since 1970-01-01: calendar arithmetic, free of any time zone. */
function epochDay(day: Day): number {
  const match = DAY.exec(day);
  const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [Number.NaN, 0, 0];
  const ms = Date.UTC(y, m - 1, d);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new RangeError(`Not a day (YYYY-MM-DD): ${day}`);
  }
  return ms / 86_400_000;
}

function fromEpochDay(n: number): Day {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

/** `day` plus `n` calendar days. */
export function addDays(day: Day, n: number): Day {
  return fromEpochDay(epochDay(day) + n);
}

// ---------------------------------------------------------------------------------------------
// French public holidays

/** The years the holiday table answers for: `@socialgouv/jours-feries` gets Easter wrong from 2106. */
export const HOLIDAY_YEARS = { from: 2000, to: 2099 } as const;

const holidaysByYear = new Map<number, ReadonlySet<Day>>();

/**
 * The public holidays of metropolitan France in a year (Bouches-du-Rhône: not Alsace-Moselle's
 * Good Friday and 26 December), as sorted days. From `@socialgouv/jours-feries`, whose dates are
 * local midnights in the process's zone and whose Easter-based ones are shifted by multiples of
 * 24 h: across a DST change (Easter Monday in Australia/Sydney) that lands at 23:00 the day before.
 * Reading each date 12 h later takes the nearest local midnight, right in every zone.
 */
export function frenchPublicHolidays(year: number): Day[] {
  return [...holidaySet(year)].sort();
}

function holidaySet(year: number): ReadonlySet<Day> {
  const known = holidaysByYear.get(year);
  if (known) return known;
  if (!Number.isInteger(year) || year < HOLIDAY_YEARS.from || year > HOLIDAY_YEARS.to) {
    throw new RangeError(
      `French public holidays are known for ${HOLIDAY_YEARS.from}–${HOLIDAY_YEARS.to}, not ${year}`,
    );
  }
  const days = new Set<Day>();
  for (const date of Object.values(getJoursFeries(year, { alsace: false }))) {
    const noon = new Date(date.getTime() + 12 * 3_600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    days.add(`${noon.getFullYear()}-${pad(noon.getMonth() + 1)}-${pad(noon.getDate())}`);
  }
  holidaysByYear.set(year, days);
  return days;
}

/** Whether a day is a public holiday of metropolitan France. */
export function isFrenchPublicHoliday(day: Day): boolean {
  epochDay(day); // refuses what is not a day
  return holidaySet(Number(day.slice(0, 4))).has(day);
}

export type IsHoliday = (day: Day) => boolean;

/** Saturday or Sunday. */
export function isWeekend(day: Day): boolean {
  const weekday = new Date(epochDay(day) * 86_400_000).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The day itself if it is a working day, else the next one. */
export function nextWorkingDay(day: Day, isHoliday: IsHoliday = isFrenchPublicHoliday): Day {
  let current = day;
  while (isWeekend(current) || isHoliday(current)) current = addDays(current, 1);
  return current;
}

// ---------------------------------------------------------------------------------------------
// Due dates

export interface DueDateInput {
  /** When the step was opened: the instant of the transition (ISO, with `Z` or an offset). */
  openedAt: string | Date;
  step: DelaiStep;
  /**
   * The fiche's nature. SUBMIT_FICHE requires it, so a step after submission always has one; if it
   * is missing all the same, the préventive durations apply (the ordinary course of the procedure:
   * crise avérée is what the centre declares to shorten it).
   */
  nature?: Nature | undefined;
  /** `diagnostic_en_cours` opened by REQUEST_REVISION: its shorter durations. Ignored for other steps. */
  afterRevision?: boolean | undefined;
}

/** The number of calendar days the step gets. */
export function durationOf(input: Omit<DueDateInput, 'openedAt'>, delais: Delais): number {
  const nature = input.nature ?? 'preventive';
  if (input.step === 'diagnostic_en_cours' && input.afterRevision) {
    return delais.diagnostic_en_cours.afterRevision[nature];
  }
  return delais[input.step][nature];
}

/**
 * The due date (`YYYY-MM-DD`): the Paris day of `openedAt` plus the step's calendar days, then
 * moved to the next working day while it is a Saturday, a Sunday or a public holiday.
 */
export function dueDate(
  input: DueDateInput,
  delais: Delais,
  isHoliday: IsHoliday = isFrenchPublicHoliday,
): Day {
  return nextWorkingDay(addDays(parisDay(input.openedAt), durationOf(input, delais)), isHoliday);
}

/** Overdue from the day after the due date: the Paris day of `now` is later than `dueAt`. */
export function isOverdue(dueAt: Day, now: string | Date): boolean {
  return daysUntil(dueAt, now) < 0;
}

/**
 * Calendar days from the Paris day of `now` to `dueAt`: 2 two days before, 0 on the due day,
 * negative once overdue.
 */
export function daysUntil(dueAt: Day, now: string | Date): number {
  return epochDay(dueAt) - epochDay(parisDay(now));
}

/** The waiting step of a status; undefined for `brouillon` and the final statuses. */
export function waitingStep(status: CaseStatus): DelaiStep | undefined {
  return (DELAI_STEPS as readonly CaseStatus[]).includes(status) ? (status as DelaiStep) : undefined;
}

/** What a transition stores when it opens a waiting step. */
export interface Deadline {
  step: DelaiStep;
  dueAt: Day;
}

/** A case's deadline as a response carries it (DESIGN.md §3). */
export interface DeadlineView extends Deadline {
  overdue: boolean;
}

/**
 * The deadline of the step that `status` waits on, opened at `openedAt` (the transition that
 * entered it); undefined for `brouillon` and the final statuses. `afterRevision`: the transition
 * was REQUEST_REVISION (see `REVISION_EVENT`).
 */
export function deadlineOf(
  status: CaseStatus,
  opened: Omit<DueDateInput, 'step'>,
  delais: Delais,
  isHoliday: IsHoliday = isFrenchPublicHoliday,
): Deadline | undefined {
  const step = waitingStep(status);
  return step && { step, dueAt: dueDate({ ...opened, step }, delais, isHoliday) };
}

/** A stored deadline as `now` sees it. */
export function viewDeadline(deadline: Deadline, now: string | Date): DeadlineView {
  return { step: deadline.step, dueAt: deadline.dueAt, overdue: isOverdue(deadline.dueAt, now) };
}
