import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useMe } from '../api/hooks.ts';
import { signOut } from '../auth/session.ts';
import { useSession } from '../auth/use-session.ts';
import { ROLE_LABELS } from '../labels.ts';

/** The frame of every signed-in screen: skip link, header with the user and sign-out, navigation, main. */
export function Layout() {
  const session = useSession();
  // Asked only once the session is there (after Cognito's code is exchanged for the tokens).
  const me = useMe(session === 'signed-in');
  const navigate = useNavigate();
  const location = useLocation();
  if (session === 'unknown') return <p className="loading">Chargement…</p>;
  if (session === 'signed-out') {
    // The address asked for (a mail's link) is where the sign-in leads back.
    const back = `${location.pathname}${location.search}`;
    return <Navigate to={`/connexion?retour=${encodeURIComponent(back)}`} replace />;
  }
  return (
    <>
      <a className="skip-link" href="#contenu">
        Aller au contenu
      </a>
      <header className="site-header">
        <Link to="/dossiers" className="brand">
          Renfort
          <span className="brand-sub">Soutien technique renforcé aux centres sociaux</span>
        </Link>
        {
          <div className="who">
            {me.data && (
              <span>
                {me.data.email} — {ROLE_LABELS[me.data.role] ?? me.data.role}
              </span>
            )}
            <button
              type="button"
              className="button secondary"
              onClick={async () => {
                await signOut();
                navigate('/connexion');
              }}
            >
              Se déconnecter
            </button>
          </div>
        }
      </header>
      <nav aria-label="Navigation principale" className="site-nav">
        <ul>
          <li>
            <NavLink to="/dossiers" end>
              Dossiers
            </NavLink>
          </li>
          {me.data?.role === 'gestionnaire' && (
            <li>
              <NavLink to="/nouvelle-demande">Nouvelle demande</NavLink>
            </li>
          )}
          {me.data?.role === 'coordinateur' && (
            <li>
              <NavLink to="/administration">Administration</NavLink>
            </li>
          )}
        </ul>
      </nav>
      <main id="contenu" tabIndex={-1}>
        {me.isError && (
          <p role="alert" className="notice">
            {me.error.message}
          </p>
        )}
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>Renfort — coordination par la Caf des Bouches-du-Rhône. Les dossiers sont confidentiels.</p>
      </footer>
    </>
  );
}
