/**
 * The refusals of the domain: what a use case throws when it will not do what was asked, with a
 * message that says why. Nothing here knows HTTP: the HTTP layer maps each class, once,
 * to its answer. Anything else a use case throws is unexpected (a bare 500 with a correlation id).
 */

/** A field of the request and what is wrong with it (`body.fiche.partenairesInformes.0`). */
export interface FieldError {
  path: string;
  message: string;
}

const fieldText = ({ path, message }: FieldError) => (path ? `${path}: ${message}` : message);

/** Nothing of this name that the caller may see: a case not theirs reads as one that does not exist. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The request is malformed: the fields named, each with what is wrong with it. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[], options?: ErrorOptions) {
    // A hostile body may yield 100,000 errors: the message names the first and counts the others.
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super(`${errors[0] ? fieldText(errors[0]) : 'invalid input'}${more}`, options);
    // A 400 always says what is wrong, even when whoever threw it had nothing more precise.
    this.errors = errors.length > 0 ? errors : [{ path: '', message: 'The request is not valid' }];
  }
}

/** The caller's role or relation never does this (on this case, this document, these users). */
export class NotAllowedError extends Error {
  override name = 'NotAllowedError';
}

/** Not possible in the current state of things (the case's status, a document's), or lost to a concurrent change. */
export class NotPossibleNowError extends Error {
  override name = 'NotPossibleNowError';
}

/** The caller acted on a version (If-Match) that is no longer the current one. */
export class StaleVersionError extends Error {
  override name = 'StaleVersionError';
}

/**
 * Well-formed, possible now, and still refused by a rule: a guard of the procedure, a reference the
 * referentiel does not know, a file that is not what it claims; `violations` names the fields.
 */
export class RuleViolationError extends Error {
  override name = 'RuleViolationError';
  readonly violations: readonly FieldError[];

  constructor(message: string, violations: readonly FieldError[] = [], options?: ErrorOptions) {
    super(message, options);
    this.violations = violations;
  }
}

/** A service Renfort depends on refused for now (a rate limit, a mail that could not leave): try again later. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
}
