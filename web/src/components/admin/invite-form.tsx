import { type FormEvent, useState } from 'react';
import { InvitationSchema } from '../../../../shared/domain/membership.ts';
import type { Referentiel } from '../../../../shared/domain/referentiel.ts';
import { useInviteUser } from '../../api/hooks.ts';
import type { FieldError } from '../error-summary.tsx';
import { fieldState, MembershipFields, type MembershipValue } from './membership-fields.tsx';
import { problemErrors } from './problems.ts';

const EMAIL = 'invite-email';
const ROLE = 'invite-role';
const ORGANISATION = 'invite-organisation';

/** The French words for what the API's schema refuses in an invitation, field by field. */
function invitationErrors(email: string, issues: readonly { path: PropertyKey[] }[]): FieldError[] {
  const fields = new Set(issues.map((issue) => issue.path[0]));
  const errors: FieldError[] = [];
  if (fields.has('email')) {
    errors.push({
      field: EMAIL,
      message:
        email === ''
          ? 'Saisissez l’adresse électronique de la personne à inviter.'
          : email.length > 128
            ? 'L’adresse électronique fait au plus 128 caractères.'
            : 'Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.',
    });
  }
  if (fields.has('role')) errors.push({ field: ROLE, message: 'Choisissez le rôle de la personne.' });
  else if (fields.has('organisationId')) {
    errors.push({ field: ORGANISATION, message: 'Choisissez l’organisation de la personne.' });
  }
  return errors;
}

/**
 * The invitation of a user with its membership, checked with the API's own schema before it is
 * sent; the account is created and the identity provider sends the invitation.
 */
export function InviteForm({
  referentiel,
  coordinationId,
  errors,
  onErrors,
  onInvited,
}: {
  referentiel: Referentiel;
  coordinationId: string;
  errors: FieldError[];
  onErrors: (errors: FieldError[]) => void;
  onInvited: (email: string) => void;
}) {
  const invite = useInviteUser();
  const [email, setEmail] = useState('');
  const [membership, setMembership] = useState<MembershipValue>({ role: '', organisationId: '' });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (invite.isPending) return;
    const parsed = InvitationSchema.safeParse({ email: email.trim(), ...membership });
    if (!parsed.success) {
      onErrors(invitationErrors(email.trim(), parsed.error.issues));
      return;
    }
    onErrors([]);
    invite.mutate(parsed.data, {
      onSuccess: (user) => {
        setEmail('');
        setMembership({ role: '', organisationId: '' });
        onInvited(user.email);
      },
      onError: (error) =>
        onErrors(
          problemErrors(error, {
            conflict: `${parsed.data.email} ne peut pas être invité : un compte ou une adhésion existe déjà pour cette adresse. Pour changer son rôle ou son organisation, utilisez « Modifier » dans la liste des utilisateurs.`,
            misfit: 'Cette organisation ne correspond pas au rôle choisi.',
            conflictField: EMAIL,
            organisationField: ORGANISATION,
          }),
        ),
    });
  };

  const emailField = fieldState(EMAIL, errors, `${EMAIL}-hint`);
  return (
    <form className="invite" aria-labelledby="invite-title" onSubmit={submit} noValidate>
      <div>
        <label htmlFor={EMAIL}>Adresse électronique</label>
        <span className="hint" id={`${EMAIL}-hint`}>
          L’invitation, avec un mot de passe temporaire, est envoyée à cette adresse.
        </span>
        <input
          {...emailField.props}
          type="email"
          autoComplete="off"
          spellCheck={false}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        {emailField.error}
      </div>
      <MembershipFields
        idPrefix="invite"
        legend="Rôle et organisation"
        value={membership}
        onChange={setMembership}
        referentiel={referentiel}
        coordinationId={coordinationId}
        errors={errors}
      />
      <p>
        <button type="submit" className="button" aria-disabled={invite.isPending || undefined}>
          Inviter
        </button>
      </p>
    </form>
  );
}
