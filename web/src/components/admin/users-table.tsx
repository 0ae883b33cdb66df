import { type FormEvent, useState } from 'react';
import type { UserView } from '../../../../shared/domain/membership.ts';
import type { Referentiel } from '../../../../shared/domain/referentiel.ts';
import { useChangeUser } from '../../api/hooks.ts';
import { frenchDay, ROLE_LABELS } from '../../labels.ts';
import { ErrorSummary, type FieldError } from '../error-summary.tsx';
import { Dialog } from './dialog.tsx';
import { MembershipFields, type MembershipValue } from './membership-fields.tsx';
import { organisationName } from './organisations.ts';
import { problemErrors } from './problems.ts';

type Patch = { role?: UserView['role']; organisationId?: string; enabled?: boolean };

/** The last enabled coordinateur can be neither disabled nor moved: the API says 409, in these words. */
function conflictWords(user: UserView, patch: Patch): string {
  const demoted = patch.enabled === false || (patch.role !== undefined && patch.role !== 'coordinateur');
  if (user.role === 'coordinateur' && user.enabled && demoted) {
    return `${user.email} est le dernier coordinateur actif : nommez d’abord un autre coordinateur.`;
  }
  if (patch.enabled === true) return `${user.email} ne peut pas être réactivé maintenant.`;
  return `${user.email} ne peut pas être modifié maintenant (peut-être modifié en même temps ailleurs) : réessayez.`;
}

export interface UsersTableProps {
  users: UserView[];
  me: { sub: string; organisationId: string };
  referentiel: Referentiel;
  /** A refusal of the API, for the page's error summary. */
  onErrors: (errors: FieldError[]) => void;
  /** A change made, for the page's live region. */
  onDone: (message: string) => void;
}

/** The users of the tenant, each with its membership and what the coordinateur may do with it. */
export function UsersTable({ users, me, referentiel, onErrors, onDone }: UsersTableProps) {
  const change = useChangeUser();
  const [editing, setEditing] = useState<UserView>();
  const [disabling, setDisabling] = useState<UserView>();
  const orgName = (id: string) => organisationName(id, referentiel, me.organisationId);

  const setEnabled = (user: UserView, enabled: boolean) => {
    if (change.isPending) return;
    onErrors([]);
    change.mutate(
      { userId: user.userId, enabled },
      {
        onSuccess: () =>
          onDone(
            enabled
              ? `${user.email} est réactivé : il peut de nouveau se connecter.`
              : `${user.email} est désactivé : il ne peut plus se connecter ni voir les dossiers.`,
          ),
        onError: (error) =>
          onErrors(
            problemErrors(error, {
              conflict: conflictWords(user, { enabled }),
              misfit: 'L’organisation de cet utilisateur ne correspond plus à son rôle.',
            }),
          ),
      },
    );
  };

  return (
    <>
      <table className="users">
        <caption>Les utilisateurs de Renfort, par adresse électronique</caption>
        <thead>
          <tr>
            <th scope="col">Adresse électronique</th>
            <th scope="col">Rôle</th>
            <th scope="col">Organisation</th>
            <th scope="col">État</th>
            <th scope="col">Créé le</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.userId}>
              <th scope="row">
                {user.email}
                {user.userId === me.sub && <span className="hint">(vous)</span>}
              </th>
              <td>{ROLE_LABELS[user.role] ?? user.role}</td>
              <td>{orgName(user.organisationId)}</td>
              <td>{user.enabled ? 'Actif' : <strong className="badge disabled">Désactivé</strong>}</td>
              <td className="date">{frenchDay(user.createdAt.slice(0, 10))}</td>
              <td>
                <div className="row-actions">
                  <button
                    type="button"
                    className="button secondary"
                    onClick={() => {
                      onErrors([]);
                      setEditing(user);
                    }}
                  >
                    Modifier<span className="visually-hidden"> {user.email}</span>
                  </button>
                  <button
                    type="button"
                    className="button secondary"
                    aria-disabled={change.isPending || undefined}
                    onClick={() => {
                      if (!user.enabled) setEnabled(user, true);
                      else {
                        onErrors([]);
                        setDisabling(user);
                      }
                    }}
                  >
                    {user.enabled ? 'Désactiver' : 'Réactiver'}
                    <span className="visually-hidden"> {user.email}</span>
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {disabling && (
        <Dialog title={`Désactiver ${disabling.email} ?`} onClose={() => setDisabling(undefined)}>
          <p>
            {disabling.userId === me.sub ? 'Vous ne pourrez plus' : `${disabling.email} ne pourra plus`} se
            connecter à Renfort ni voir les dossiers, au plus tard une minute après. L’adhésion est gardée :
            la coordination pourra la réactiver.
          </p>
          <div className="dialog-actions">
            <button
              type="button"
              className="button danger"
              onClick={() => {
                setEnabled(disabling, false);
                setDisabling(undefined);
              }}
            >
              Confirmer la désactivation
            </button>
            <button
              type="button"
              className="button secondary"
              data-initial-focus
              onClick={() => setDisabling(undefined)}
            >
              Annuler
            </button>
          </div>
        </Dialog>
      )}
      {editing && (
        <EditDialog
          user={editing}
          referentiel={referentiel}
          coordinationId={me.organisationId}
          onClose={() => setEditing(undefined)}
          onSaved={(message) => {
            setEditing(undefined);
            onDone(message);
          }}
        />
      )}
    </>
  );
}

/** A change of a user's role or organisation, in a dialog whose errors stay in it. */
function EditDialog({
  user,
  referentiel,
  coordinationId,
  onClose,
  onSaved,
}: {
  user: UserView;
  referentiel: Referentiel;
  coordinationId: string;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const change = useChangeUser();
  const [value, setValue] = useState<MembershipValue>({
    role: user.role,
    organisationId: user.organisationId,
  });
  const [errors, setErrors] = useState<FieldError[]>([]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (change.isPending) return;
    if (value.role === '' || value.organisationId === '') {
      setErrors([
        value.role === ''
          ? { field: 'edit-role', message: 'Choisissez le rôle.' }
          : { field: 'edit-organisation', message: 'Choisissez l’organisation.' },
      ]);
      return;
    }
    const patch: Patch = {
      ...(value.role !== user.role && { role: value.role }),
      ...(value.organisationId !== user.organisationId && { organisationId: value.organisationId }),
    };
    if (Object.keys(patch).length === 0) {
      setErrors([
        {
          field: 'edit-role',
          message: 'Rien n’a changé : choisissez un autre rôle ou une autre organisation.',
        },
      ]);
      return;
    }
    setErrors([]);
    const { role } = value;
    change.mutate(
      { userId: user.userId, ...patch },
      {
        onSuccess: () =>
          onSaved(
            `${user.email} est maintenant ${ROLE_LABELS[role] ?? role}, ${organisationName(
              value.organisationId,
              referentiel,
              coordinationId,
            )}.`,
          ),
        onError: (error) =>
          setErrors(
            problemErrors(error, {
              conflict: conflictWords(user, patch),
              misfit: 'Cette organisation ne correspond pas au rôle choisi.',
              organisationField: 'edit-organisation',
            }),
          ),
      },
    );
  };

  return (
    <Dialog title={`Modifier ${user.email}`} onClose={onClose}>
      <ErrorSummary title="La modification n’a pas été faite" errors={errors} />
      <form onSubmit={submit} noValidate>
        <MembershipFields
          idPrefix="edit"
          legend="Nouveau rôle et nouvelle organisation"
          value={value}
          onChange={setValue}
          referentiel={referentiel}
          coordinationId={coordinationId}
          errors={errors}
        />
        <div className="dialog-actions">
          <button type="submit" className="button" aria-disabled={change.isPending || undefined}>
            Enregistrer
          </button>
          <button type="button" className="button secondary" onClick={onClose}>
            Annuler
          </button>
        </div>
      </form>
    </Dialog>
  );
}
