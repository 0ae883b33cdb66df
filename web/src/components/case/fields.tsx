import type { ReactNode } from 'react';
import { ACCEPT_ATTRIBUTE, ACCEPTED_TYPES_TEXT } from './words.ts';

/**
 * Native controls with their label, hint and error: the error is tied to the control
 * (`aria-describedby`, `aria-invalid`) and written in words, never shown by colour alone.
 */

interface FieldProps {
  id: string;
  name: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  defaultValue?: string | undefined;
}

const describedBy = (id: string, hint: unknown, error: unknown) =>
  [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;

function Described({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error">
          <span className="visually-hidden">Erreur : </span>
          {error}
        </span>
      )}
    </>
  );
}

export function TextField({
  id,
  name,
  label,
  hint,
  error,
  defaultValue,
  type = 'text',
  autoComplete,
  multiline = false,
}: FieldProps & { type?: 'text' | 'email' | 'tel' | 'date'; autoComplete?: string; multiline?: boolean }) {
  const common = {
    id,
    name,
    defaultValue: defaultValue ?? '',
    'aria-describedby': describedBy(id, hint, error),
    'aria-invalid': error ? true : undefined,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <Described id={id} hint={hint} error={error} />
      {multiline ? (
        <textarea {...common} rows={5} />
      ) : (
        <input {...common} type={type} {...(autoComplete && { autoComplete })} />
      )}
    </div>
  );
}

/** A file input with the accepted types and size as its hint. */
export function FileField({
  id,
  label,
  error,
  optional = false,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  optional?: boolean;
}) {
  const hint = `${optional ? 'Facultatif. ' : ''}${ACCEPTED_TYPES_TEXT} ; 20 Mo au plus.`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <Described id={id} hint={hint} error={error} />
      <input
        id={id}
        name={id}
        type="file"
        accept={ACCEPT_ATTRIBUTE}
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? true : undefined}
      />
    </div>
  );
}

/** A select with a first empty choice ("Choisir…"), which the schemas refuse as no value. */
export function SelectField({
  id,
  name,
  label,
  placeholder,
  options,
  error,
}: Omit<FieldProps, 'defaultValue'> & { placeholder: string; options: readonly Choice[] }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <Described id={id} error={error} />
      <select
        id={id}
        name={name}
        defaultValue=""
        aria-describedby={describedBy(id, undefined, error)}
        aria-invalid={error ? true : undefined}
      >
        <option value="">{placeholder}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One checkbox whose label says what checking it means (a confirmation, a yes/no). */
export function CheckField({ id, name, label, error }: Omit<FieldProps, 'defaultValue' | 'hint'>) {
  return (
    <div className="field">
      <Described id={id} error={error} />
      <div className="check">
        <input
          id={id}
          name={name}
          type="checkbox"
          value="oui"
          aria-describedby={describedBy(id, undefined, error)}
          aria-invalid={error ? true : undefined}
        />
        <label htmlFor={id}>{label}</label>
      </div>
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
}

/**
 * Radio buttons or checkboxes in a fieldset whose legend names the question: the fieldset is `id`,
 * where an error link leads, and each control `${id}-${value}`.
 */
export function ChoiceGroup({
  id,
  name,
  legend,
  hint,
  error,
  type,
  choices,
  checked = [],
  onChange,
  children,
}: {
  id: string;
  name: string;
  legend: string;
  hint?: ReactNode;
  error?: string | undefined;
  type: 'radio' | 'checkbox';
  choices: readonly Choice[];
  checked?: readonly string[] | undefined;
  onChange?: (value: string, checked: boolean) => void;
  children?: ReactNode;
}) {
  return (
    // Focusable by script: the error summary's link to the group leads here, to its legend.
    <fieldset id={id} tabIndex={-1} className="field choices" aria-describedby={describedBy(id, hint, error)}>
      <legend>{legend}</legend>
      <Described id={id} hint={hint} error={error} />
      {choices.map((choice) => (
        <div className="check" key={choice.value}>
          <input
            id={`${id}-${choice.value}`}
            type={type}
            name={name}
            value={choice.value}
            defaultChecked={checked.includes(choice.value)}
            aria-invalid={error ? true : undefined}
            {...(onChange && { onChange: (event) => onChange(choice.value, event.target.checked) })}
          />
          <label htmlFor={`${id}-${choice.value}`}>{choice.label}</label>
        </div>
      ))}
      {children}
    </fieldset>
  );
}

/** The text of a form field, trimmed; an empty field is no value at all (the schemas refuse ''). */
export function textOf(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  const trimmed = typeof value === 'string' ? value.trim() : '';
  return trimmed === '' ? undefined : trimmed;
}

/** An object without the keys whose value is undefined (the API's schemas are strict). */
export function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
