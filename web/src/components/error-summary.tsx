import { useEffect, useRef } from 'react';

export interface FieldError {
  /** The field's id in the form, or an API path (`body.fiche.signesAlerte`) mapped to one. */
  field?: string;
  message: string;
}

/**
 * The errors of a form, summarised at its top: announced (role="alert"), focused when they appear,
 * each a link to its field.
 */
export function ErrorSummary({
  title = 'Le formulaire contient des erreurs',
  errors,
}: {
  title?: string;
  errors: FieldError[];
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length > 0) box.current?.focus();
  }, [errors]);
  if (errors.length === 0) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={box} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{title}</h2>
      <ul>
        {errors.map((error) => (
          <li key={`${error.field ?? ''}:${error.message}`}>
            {error.field ? <a href={`#${error.field}`}>{error.message}</a> : error.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
