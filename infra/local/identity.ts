import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersInGroupCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { ROLES } from '../../shared/domain/caller.ts';
import { CLAIM } from '../../shared/http/claims.ts';

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

export interface IdentityUser {
  email: string;
  role: string;
  organisationId: string;
  tenant: string;
}

/** The user pool, its app client and one group per role: created when missing, found otherwise. */
export async function ensureIdentity(
  cognito: CognitoIdentityProviderClient,
  endpoint: string,
): Promise<LocalIdentity> {
  const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = pools.UserPools?.find((p) => p.Name === POOL_NAME)?.Id;
  if (!userPoolId) {
    const created = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: POOL_NAME,
        UsernameAttributes: ['email'],
        Schema: [
          { Name: 'tenant', AttributeDataType: 'String', Mutable: true },
          { Name: 'organisationId', AttributeDataType: 'String', Mutable: true },
        ],
      }),
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
  const groups = await cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId }));
  const present = new Set(groups.Groups?.map((g) => g.GroupName));
  for (const role of ROLES.filter((r) => !present.has(r))) {
    await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: role }));
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

/**
 * Role groups of every user, by email. Read group by group: cognito-local's
 * AdminListGroupsForUser does not find users of a pool whose usernames are emails.
 */
export async function roleGroupsByEmail(cognito: CognitoIdentityProviderClient, userPoolId: string) {
  const byEmail = new Map<string, string[]>();
  for (const role of ROLES) {
    const { Users = [] } = await cognito.send(
      new ListUsersInGroupCommand({ UserPoolId: userPoolId, GroupName: role }),
    );
    for (const u of Users) {
      const email = u.Attributes?.find((a) => a.Name === 'email')?.Value;
      if (email) byEmail.set(email, [...(byEmail.get(email) ?? []), role]);
    }
  }
  return byEmail;
}

export interface UsersOutcome {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Makes each user exist with exactly its tenant, organisation and one role group.
 * A user already as described is not touched, so running it twice changes nothing.
 */
export async function ensureUsers(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  users: IdentityUser[],
): Promise<UsersOutcome> {
  const outcome: UsersOutcome = { created: 0, updated: 0, unchanged: 0 };
  const groupsByEmail = await roleGroupsByEmail(cognito, userPoolId);
  for (const user of users) {
    const wanted = { [CLAIM.tenant]: user.tenant, [CLAIM.organisation]: user.organisationId };
    let changed = false;
    const existing = await findUser(cognito, userPoolId, user.email);
    if (!existing) {
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: user.email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
            ...Object.entries(wanted).map(([Name, Value]) => ({ Name, Value })),
          ],
        }),
      );
      await cognito.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: userPoolId,
          Username: user.email,
          Password: LOCAL_PASSWORD,
          Permanent: true,
        }),
      );
      outcome.created++;
    } else {
      const current = Object.fromEntries((existing.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
      const stale = Object.entries(wanted).filter(([name, value]) => current[name] !== value);
      if (stale.length > 0) {
        await cognito.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: userPoolId,
            Username: user.email,
            UserAttributes: stale.map(([Name, Value]) => ({ Name, Value })),
          }),
        );
        changed = true;
      }
    }
    const names = groupsByEmail.get(user.email) ?? [];
    for (const name of names.filter((n) => n !== user.role)) {
      await cognito.send(
        new AdminRemoveUserFromGroupCommand({
          UserPoolId: userPoolId,
          Username: user.email,
          GroupName: name,
        }),
      );
      changed = true;
    }
    if (!names.includes(user.role)) {
      await cognito.send(
        new AdminAddUserToGroupCommand({
          UserPoolId: userPoolId,
          Username: user.email,
          GroupName: user.role,
        }),
      );
      changed = true;
    }
    if (existing) outcome[changed ? 'updated' : 'unchanged']++;
  }
  return outcome;
}

/** An ID token for a local user, or undefined when no such user exists. */
export async function issueLocalToken(
  cognito: CognitoIdentityProviderClient,
  identity: LocalIdentity,
  email: string,
): Promise<string | undefined> {
  // Cognito answers NotAuthorized for an unknown user, to hide who exists; locally we ask first.
  if (!(await findUser(cognito, identity.userPoolId, email))) return undefined;
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
