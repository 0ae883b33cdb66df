import * as z from './zod.ts';

export const MAX_TEXT = 5000;

const ALLOWED_CONTROLS = new Set(['\t', '\n', '\r']);

/** Control characters other than tab and line breaks, and halves of UTF-16 pairs, are not text. */
const isText = (value: string) =>
  !/\p{Cs}/u.test(value) && ![...value].some((c) => /\p{Cc}/u.test(c) && !ALLOWED_CONTROLS.has(c));

/** A free text of the procedure: trimmed, non-empty, at most 5,000 characters, well-formed. */
export const text = () =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'Must not be empty'),
      z.maxLength(MAX_TEXT, `At most ${MAX_TEXT} characters`),
      z.refine(isText, 'Control characters and broken Unicode are not allowed'),
    );

/** An ISO 8601 calendar date (2026-03-14) that exists: one message for any other string. */
export const isoDate = () =>
  z.isoDate({ error: 'Expected an ISO 8601 date such as 2026-03-14', abort: true }).check(
    z.refine((value) => {
      const date = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
    }, 'Not a calendar date'),
  );

/** An id of the referentiel or of a document: lower-case words and digits joined by dashes. */
export const refId = () => z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Not a valid id'));
