import type { UserManager } from 'oidc-client-ts';
import { consoleConfig } from '../config.ts';

/**
 * The signed-in session. Locally: a token from `POST /_local/token` for a local user, kept for the
 * tab (sessionStorage). In AWS: Cognito's managed login, authorization code with PKCE
 * (oidc-client-ts), the tokens kept for the tab as well.
 */

const LOCAL_KEY = 'renfort.token';
let manager: UserManager | undefined;

async function userManager(): Promise<UserManager | undefined> {
  const config = await consoleConfig();
  if (config.auth !== 'cognito') return undefined;
  // Loaded only where Cognito signs users in: the local console does without it.
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  manager ??= new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    post_logout_redirect_uri: config.logoutUri,
    response_type: 'code',
    scope: 'openid email profile',
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    // Cognito's logout endpoint is not in its discovery document.
    metadataSeed: { end_session_endpoint: `${config.domain.replace(/\/+$/, '')}/logout` },
  });
  return manager;
}

/** The bearer token of the session, if any. */
export async function currentToken(): Promise<string | undefined> {
  const oidc = await userManager();
  if (!oidc) return sessionStorage.getItem(LOCAL_KEY) ?? undefined;
  const user = await oidc.getUser();
  return user && !user.expired ? user.id_token : undefined;
}

/** Forgets the session in this tab (an expired or refused token), without leaving the page. */
export async function dropSession(): Promise<void> {
  sessionStorage.removeItem(LOCAL_KEY);
  await (await userManager())?.removeUser();
}

/** Where to go after signing in: a path of this console from `?retour=`, never another site. */
export function returnPath(search: string): string {
  const back = new URLSearchParams(search).get('retour') ?? '';
  return back.startsWith('/') &&
    !back.startsWith('//') &&
    !back.startsWith('/\\') &&
    !back.startsWith('/connexion')
    ? back
    : '/dossiers';
}

/** Local sign-in: a token for a local user (seeded or invited). */
export async function signInLocally(email: string): Promise<void> {
  const res = await fetch('/_local/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string };
  if (res.status === 404) throw new Error(`Aucun utilisateur local ${email}.`);
  if (res.status === 403) throw new Error(`Le compte ${email} est désactivé.`);
  if (!res.ok || !body.token) throw new Error('Connexion impossible : réessayez dans un instant.');
  sessionStorage.setItem(LOCAL_KEY, body.token);
}

/** Sign-in with Cognito's managed login (a redirect). */
export async function signInWithCognito(back = '/dossiers'): Promise<void> {
  // The managed login in French; the page asked for comes back with the sign-in.
  await (await userManager())?.signinRedirect({ extraQueryParams: { lang: 'fr' }, url_state: back });
}

/** Back from Cognito's managed login: exchanges the code (PKCE) for the tokens. */
export async function completeSignIn(): Promise<boolean> {
  const oidc = await userManager();
  if (!oidc || !new URLSearchParams(window.location.search).has('code')) return false;
  const user = await oidc.signinRedirectCallback();
  const back =
    typeof user.url_state === 'string'
      ? returnPath(`?retour=${encodeURIComponent(user.url_state)}`)
      : '/dossiers';
  window.history.replaceState({}, '', back);
  return true;
}

export async function signOut(): Promise<void> {
  sessionStorage.removeItem(LOCAL_KEY);
  const oidc = await userManager();
  const config = await consoleConfig();
  if (oidc && config.auth === 'cognito') {
    await oidc.removeUser();
    // Cognito's /logout wants `logout_uri` (oidc-client-ts adds the client_id itself).
    await oidc.signoutRedirect({
      extraQueryParams: { logout_uri: config.logoutUri },
    });
  }
}
