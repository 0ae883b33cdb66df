import { useState } from 'react';
import { useMe, useReferentiel, useUsers } from '../api/hooks.ts';
import { InviteForm } from '../components/admin/invite-form.tsx';
import { MembershipJournal } from '../components/admin/membership-journal.tsx';
import { organisationName } from '../components/admin/organisations.ts';
import { UsersTable } from '../components/admin/users-table.tsx';
import { ErrorSummary, type FieldError } from '../components/error-summary.tsx';
import { Page } from '../components/page.tsx';

const TITLE = 'Administration des utilisateurs';

/**
 * The coordination's administration of users and memberships: invite a user, change a user's role
 * or organisation, disable (enable) a user, and the journal of these changes. The API's refusals
 * are summarised at the top; what was done is announced in a polite live region.
 */
export function Administration() {
  const me = useMe();
  const coordinateur = me.data?.role === 'coordinateur';
  const referentiel = useReferentiel();
  const users = useUsers(coordinateur);
  const [problem, setProblem] = useState<{ title: string; errors: FieldError[] }>({ title: '', errors: [] });
  const [announce, setAnnounce] = useState('');
  const report = (title: string) => (errors: FieldError[]) => {
    setProblem({ title, errors });
    if (errors.length > 0) setAnnounce('');
  };
  const done = (message: string) => {
    setProblem({ title: '', errors: [] });
    setAnnounce(message);
  };

  if (me.isPending) {
    return (
      <Page title={TITLE}>
        <p role="status">Chargement…</p>
      </Page>
    );
  }
  if (me.isError) {
    return (
      <Page title={TITLE}>
        <p role="alert">La page n’a pas pu être chargée : {me.error.message}</p>
      </Page>
    );
  }
  if (me.data.role !== 'coordinateur') {
    return (
      <Page title={TITLE}>
        <p className="notice">
          Cette page est réservée à la coordination de la Caf : c’est elle qui invite les utilisateurs de
          Renfort et gère leurs rôles.
        </p>
      </Page>
    );
  }
  if (referentiel.isError) {
    return (
      <Page title={TITLE}>
        <p role="alert">Le référentiel n’a pas pu être chargé : {referentiel.error.message}</p>
      </Page>
    );
  }
  const coordinationId = me.data.organisationId;
  const nameOf = (id: string) => organisationName(id, referentiel.data, coordinationId);

  return (
    <Page title={TITLE}>
      <ErrorSummary title={problem.title} errors={problem.errors} />
      <p role="status" className={announce ? 'admin-status announce' : 'admin-status'}>
        {announce}
      </p>

      <section aria-labelledby="invite-title">
        <h2 id="invite-title">Inviter un utilisateur</h2>
        {referentiel.data ? (
          <InviteForm
            referentiel={referentiel.data}
            coordinationId={coordinationId}
            errors={problem.errors}
            onErrors={report('L’invitation n’a pas été envoyée')}
            onInvited={(email) => done(`L’invitation est envoyée à ${email}.`)}
          />
        ) : (
          <p role="status">Chargement du référentiel…</p>
        )}
      </section>

      <section aria-labelledby="users-title">
        <h2 id="users-title">Utilisateurs</h2>
        {users.isPending && <p role="status">Chargement des utilisateurs…</p>}
        {users.isError && (
          <p role="alert">Les utilisateurs n’ont pas pu être chargés : {users.error.message}</p>
        )}
        {users.data && referentiel.data && (
          <UsersTable
            users={users.data}
            me={me.data}
            referentiel={referentiel.data}
            onErrors={report('La modification n’a pas été faite')}
            onDone={done}
          />
        )}
      </section>

      <section aria-labelledby="journal-title">
        <h2 id="journal-title">Journal des changements d’adhésion</h2>
        <MembershipJournal organisationName={nameOf} />
      </section>
    </Page>
  );
}
