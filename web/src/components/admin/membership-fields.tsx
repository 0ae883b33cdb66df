import { ROLES, type Role } from '../../../../shared/domain/caller.ts';
import type { Referentiel } from '../../../../shared/domain/referentiel.ts';
import { ROLE_LABELS } from '../../labels.ts';
import type { FieldError } from '../error-summary.tsx';
import { organisationChoices } from './organisations.ts';

/** The state of a field that may be in error: its error message, and the attributes that point to it. */
export function fieldState(id: string, errors: FieldError[], hint?: string) {
  const message = errors.find((e) => e.field === id)?.message;
  const described = [hint, message && `${id}-error`].filter(Boolean).join(' ');
  return {
    message,
    props: {
      id,
      'aria-invalid': message ? true : undefined,
      'aria-describedby': described || undefined,
    },
    error: message ? (
      <span className="field-error" id={`${id}-error`}>
        {message}
      </span>
    ) : null,
  };
}

export interface MembershipValue {
  role: Role | '';
  organisationId: string;
}

/**
 * The role and the organisation of a membership, as a group: the organisations offered are those
 * that fit the role, and a change of role keeps the organisation only where it still fits.
 */
export function MembershipFields({
  idPrefix,
  legend,
  value,
  onChange,
  referentiel,
  coordinationId,
  errors,
}: {
  idPrefix: string;
  legend: string;
  value: MembershipValue;
  onChange: (value: MembershipValue) => void;
  referentiel: Referentiel;
  coordinationId: string;
  errors: FieldError[];
}) {
  const groups = organisationChoices(value.role, referentiel, coordinationId);
  const role = fieldState(`${idPrefix}-role`, errors);
  const organisation = fieldState(`${idPrefix}-organisation`, errors, `${idPrefix}-organisation-hint`);
  const changeRole = (next: Role | '') => {
    const fits = organisationChoices(next, referentiel, coordinationId).flatMap((g) => g.items);
    const kept = fits.some((o) => o.id === value.organisationId) ? value.organisationId : undefined;
    onChange({ role: next, organisationId: kept ?? (fits.length === 1 ? (fits[0]?.id ?? '') : '') });
  };
  return (
    <fieldset className="membership">
      <legend>{legend}</legend>
      <div>
        <label htmlFor={role.props.id}>Rôle</label>
        <select
          {...role.props}
          value={value.role}
          onChange={(event) => changeRole(event.target.value as Role | '')}
        >
          <option value="">Choisissez un rôle</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
        {role.error}
      </div>
      <div>
        <label htmlFor={organisation.props.id}>Organisation</label>
        <span className="hint" id={`${idPrefix}-organisation-hint`}>
          La liste dépend du rôle choisi.
        </span>
        <select
          {...organisation.props}
          value={value.organisationId}
          onChange={(event) => onChange({ ...value, organisationId: event.target.value })}
        >
          <option value="">
            {value.role ? 'Choisissez une organisation' : 'Choisissez d’abord le rôle'}
          </option>
          {groups.map((group) => (
            <optgroup key={group.label} label={group.label}>
              {group.items.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.nom}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        {organisation.error}
      </div>
    </fieldset>
  );
}
