import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { NotAllowedError } from '../../shared/domain/errors.ts';

export const POOL_NAME = 'renfort';
export const CLIENT_NAME = 'renfort-api';
/** Password of every seeded user on the local stack only; tokens come from `POST /_local/token`. */
export const LOCAL_PASSWORD = 'Renfort-local-2026!';

export interface LocalIdentity {
  userPoolId: string;
  clientId: string;
  issuer: string;
  jwksUrl: string;
}

/**
 * The user pool and its app client: created when missing, found otherwise. The pool holds
 * identities only (email, password); memberships live in the table.
 */
export async function ensureIdentity(
  cognito: CognitoIdentityProviderClient,
  endpoint: string,
): Promise<LocalIdentity> {
  const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = pools.UserPools?.find((p) => p.Name === POOL_NAME)?.Id;
  if (!userPoolId) {
    const created = await cognito.send(
      new CreateUserPoolCommand({ PoolName: POOL_NAME, UsernameAttributes: ['email'] }),
    );
    userPoolId = created.UserPool?.Id as string;
  }
  const clients = await cognito.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  let clientId = clients.UserPoolClients?.find((c) => c.ClientName === CLIENT_NAME)?.ClientId;
  if (!clientId) {
    const created = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: CLIENT_NAME,
        ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    clientId = created.UserPoolClient?.ClientId as string;
  }
  const issuer = `${endpoint}/${userPoolId}`;
  return { userPoolId, clientId, issuer, jwksUrl: `${issuer}/.well-known/jwks.json` };
}

function findUser(cognito: CognitoIdentityProviderClient, userPoolId: string, email: string) {
  return cognito
    .send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }))
    .catch((error: unknown) => {
      if (error instanceof UserNotFoundException) return undefined;
      throw error;
    });
}

/** The local password, made permanent: the account signs in without a first-login challenge. */
export async function setLocalPassword(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
): Promise<void> {
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: email,
      Password: LOCAL_PASSWORD,
      Permanent: true,
    }),
  );
}

const subOf = (attributes: { Name?: string; Value?: string }[] | undefined) =>
  attributes?.find((a) => a.Name === 'sub')?.Value as string;

/**
 * Makes an account exist for each email (with the local password), and returns each one's `sub`.
 * An existing account is left as it is, so running it twice changes nothing.
 */
export async function ensureAccounts(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  emails: string[],
): Promise<{ subs: Map<string, string>; created: number }> {
  const subs = new Map<string, string>();
  let created = 0;
  for (const email of emails) {
    const existing = await findUser(cognito, userPoolId, email);
    if (existing) {
      subs.set(email, subOf(existing.UserAttributes));
      continue;
    }
    const { User } = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await setLocalPassword(cognito, userPoolId, email);
    subs.set(email, subOf(User?.Attributes));
    created++;
  }
  return { subs, created };
}

/** An ID token for a local user, or undefined when no such user exists. */
export async function issueLocalToken(
  cognito: CognitoIdentityProviderClient,
  identity: LocalIdentity,
  email: string,
): Promise<string | undefined> {
  // Cognito answers NotAuthorized for an unknown user, to hide who exists; locally we ask first.
  const user = await findUser(cognito, identity.userPoolId, email);
  if (!user) return undefined;
  // cognito-local signs in a disabled account; Cognito does not, and neither does this route.
  if (user.Enabled === false) throw new NotAllowedError(`The account ${email} is disabled.`);
  // An invited user has a temporary password to change at first sign-in; locally, the local one.
  if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') {
    await setLocalPassword(cognito, identity.userPoolId, email);
  }
  const result = await cognito.send(
    new AdminInitiateAuthCommand({
      UserPoolId: identity.userPoolId,
      ClientId: identity.clientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: LOCAL_PASSWORD },
    }),
  );
  return result.AuthenticationResult?.IdToken;
}
