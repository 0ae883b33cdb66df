import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { returnPath, signInLocally, signInWithCognito } from '../auth/session.ts';
import { ErrorSummary } from '../components/error-summary.tsx';
import { Page } from '../components/page.tsx';
import { type ConsoleConfig, consoleConfig } from '../config.ts';
import { ROLE_LABELS } from '../labels.ts';

/** Sign-in: locally, the local users (seeded, or invited by their email); in AWS, Cognito's managed login. */
export function SignIn() {
  const [config, setConfig] = useState<ConsoleConfig>();
  const [error, setError] = useState<string>();
  const [email, setEmail] = useState('');
  const navigate = useNavigate();
  const client = useQueryClient();
  useEffect(() => {
    consoleConfig().then(setConfig, (e: Error) => setError(e.message));
  }, []);

  async function signIn(address: string) {
    setError(undefined);
    try {
      await signInLocally(address);
      client.clear();
      navigate(returnPath(window.location.search));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <main id="contenu" className="sign-in" tabIndex={-1}>
      <p className="brand">Renfort</p>
      <Page title="Connexion">
        <ErrorSummary title="Connexion impossible" errors={error ? [{ message: error }] : []} />
        {config?.auth === 'cognito' && (
          <>
            <p>Connectez-vous avec le compte que la coordination vous a ouvert.</p>
            <button
              type="button"
              className="button"
              onClick={() => signInWithCognito(returnPath(window.location.search))}
            >
              Se connecter
            </button>
          </>
        )}
        {config?.auth === 'local' && (
          <>
            <p>Environnement local : choisissez un utilisateur de démonstration.</p>
            <ul className="user-list">
              {(config.users ?? []).map((user) => (
                <li key={user.email}>
                  <button type="button" className="button secondary" onClick={() => signIn(user.email)}>
                    {user.email}
                    <span className="hint">
                      {ROLE_LABELS[user.role] ?? user.role} — {user.organisationId}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                void signIn(email.trim());
              }}
            >
              <label htmlFor="email">Ou l’adresse d’un utilisateur invité</label>
              <input
                id="email"
                type="email"
                required
                autoComplete="email"
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />{' '}
              <button type="submit" className="button">
                Se connecter
              </button>
            </form>
          </>
        )}
      </Page>
    </main>
  );
}
