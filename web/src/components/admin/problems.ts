import { ApiError } from '../../api/client.ts';
import type { FieldError } from '../error-summary.tsx';

/** What the API said, after the French sentence that explains it (its detail is in English). */
const withDetail = (sentence: string, error: ApiError) =>
  error.problem.detail ? `${sentence} Détail : ${error.problem.detail}` : sentence;

/** Each refusal that a change of membership may meet, in the administrator's words. */
export interface ProblemWords {
  /** What a 409 means here (an email taken, the last coordinateur). */
  conflict: string;
  /** What a 422 means here (an organisation that does not fit the role). */
  misfit: string;
  /** The field a 409 concerns, if one (the email, for an invitation). */
  conflictField?: string;
  /** The field the organisation is chosen in, if one (a 422 links to it). */
  organisationField?: string;
}

/** An error of an administration route, as the items of an error summary. */
export function problemErrors(error: unknown, words: ProblemWords): FieldError[] {
  if (!(error instanceof ApiError)) {
    return [{ message: 'Le service ne répond pas : rien n’a été changé. Réessayez dans un instant.' }];
  }
  switch (error.status) {
    case 400:
      return [
        { message: 'La demande n’est pas valide.' },
        ...(error.problem.errors ?? []).map((e) => ({ message: `${e.path} : ${e.message}` })),
      ];
    case 403:
      return [{ message: withDetail('Cette action est réservée à la coordination de la Caf.', error) }];
    case 404:
      return [{ message: withDetail('Cet utilisateur n’existe plus. Rechargez la page.', error) }];
    case 409:
      return [{ field: words.conflictField, message: withDetail(words.conflict, error) }];
    case 422:
      return [{ field: words.organisationField, message: withDetail(words.misfit, error) }];
    case 503:
      return [
        { message: withDetail('Le service d’identité ne répond pas : réessayez dans un instant.', error) },
      ];
    default:
      return [{ message: withDetail(`La demande a échoué (${error.problem.title}).`, error) }];
  }
}
