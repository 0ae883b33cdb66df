import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import type { FieldError } from '../error-summary.tsx';
import { useFeedback } from './feedback.tsx';

/**
 * The fields of a form as its errors name them: the key is the field's path in the API's body
 * (`signesAlerte`, `demandeur.nom`), `id` the control that takes the focus, and the sentences say
 * in French what the API's schemas say in English.
 */
export interface FieldSpec {
  id?: string;
  label: string;
  /** When the field is empty or not chosen. */
  missing?: string;
  /** When it holds something the schema refuses. */
  invalid?: string;
}
export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

/** An error of a form: for a field (its key and control) or for the whole form. */
export interface Issue extends FieldError {
  key?: string;
}

interface ZodLikeIssue {
  path: readonly PropertyKey[];
  code: string;
}

const lengthMessage = (label: string) => `« ${label} » : 5 000 caractères au plus.`;

function issueFor(specs: FieldSpecs, path: string, kind: 'missing' | 'invalid' | 'long'): Issue | undefined {
  // `partenairesInformes.3` is the field `partenairesInformes`.
  const key = Object.keys(specs)
    .filter((k) => path === k || path.startsWith(`${k}.`))
    .sort((a, b) => b.length - a.length)[0];
  const spec = key === undefined ? undefined : specs[key];
  if (key === undefined || !spec) return undefined;
  const message =
    kind === 'long'
      ? lengthMessage(spec.label)
      : kind === 'missing'
        ? (spec.missing ?? `« ${spec.label} » est à renseigner.`)
        : (spec.invalid ?? `« ${spec.label} » n’est pas valide.`);
  return { key, message, ...(spec.id && { field: spec.id }) };
}

/** One error per field, in the order of the form. */
function onePerField(issues: (Issue | undefined)[], specs: FieldSpecs): Issue[] {
  const order = Object.keys(specs);
  const seen = new Set<string>();
  return issues
    .filter((issue): issue is Issue => {
      if (!issue) return false;
      const id = issue.key ?? issue.message;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort((a, b) => order.indexOf(a.key ?? '') - order.indexOf(b.key ?? ''));
}

/** The value at a path of the body the form built (`demandeur.nom`). */
function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, key) =>
      value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    body,
  );
}

/**
 * The issues of a `safeParse` of the API's own schema on `body`, as French sentences next to their
 * fields: an empty field is "to fill in", a filled one "not valid" or "too long".
 */
export function fromZod(issues: readonly ZodLikeIssue[], specs: FieldSpecs, body: unknown): Issue[] {
  return onePerField(
    issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      const value = valueAt(body, issue.path);
      const missing = value === undefined || (Array.isArray(value) && value.length === 0);
      const kind = missing ? 'missing' : issue.code === 'too_big' ? 'long' : 'invalid';
      return issueFor(specs, path, kind) ?? { message: 'Le formulaire contient une valeur non acceptée.' };
    }),
    specs,
  );
}

/** What a refusal means for the user, when it names no field. */
const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Le service n’a pas compris la demande : vérifiez les champs et recommencez.',
  401: 'Votre session a expiré : reconnectez-vous.',
  403: 'Vous ne pouvez pas faire cette action sur ce dossier.',
  404: "Ce dossier n'existe pas ou vous n'y avez pas accès.",
  409: 'Cette action n’est plus possible : le dossier a changé entre-temps. Il vient d’être relu.',
  412: 'Le dossier a été modifié entre-temps (dans un autre onglet ou par une autre personne). Il vient d’être relu : vérifiez, puis recommencez.',
  422: 'Le service a refusé la demande : une condition n’est pas remplie.',
};

/**
 * A failed command as French sentences: the `errors` of a problem next to their fields (a 422
 * names what is missing, a 400 what is malformed), else one sentence for its status.
 */
export function fromProblem(
  error: unknown,
  specs: FieldSpecs,
  statusMessages: Readonly<Record<number, string>> = {},
): Issue[] {
  if (!(error instanceof ApiError)) {
    return [{ message: 'Le service ne répond pas. Vérifiez votre connexion, puis réessayez.' }];
  }
  const { status, errors = [] } = error.problem;
  const kind = status === 422 ? 'missing' : 'invalid';
  const named = onePerField(
    errors.map((e) => issueFor(specs, e.path.replace(/^(body|fiche)\./, ''), kind)),
    specs,
  );
  if (named.length > 0) return named;
  return [
    {
      message:
        statusMessages[status] ??
        STATUS_MESSAGES[status] ??
        'Le service a rencontré une erreur. Réessayez dans un instant.',
    },
  ];
}

/** The errors of one form: beside each field, and in the summary at the top of the screen. */
export function useFormErrors() {
  const feedback = useFeedback();
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  return {
    /** The message beside a field, by its key. */
    errors,
    show(issues: Issue[], title?: string) {
      setErrors(Object.fromEntries(issues.flatMap((i) => (i.key ? [[i.key, i.message]] : []))));
      feedback.fail(
        issues.map(({ field, message }) => ({ message, ...(field && { field }) })),
        title,
      );
    },
    reset() {
      setErrors({});
      feedback.clear();
    },
  };
}
