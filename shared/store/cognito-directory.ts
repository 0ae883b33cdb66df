import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  CodeDeliveryFailureException,
  CognitoIdentityProviderClient,
  InvalidParameterException,
  LimitExceededException,
  TooManyRequestsException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { config } from '../config.ts';
import { RuleViolationError, ServiceUnavailableError } from '../domain/errors.ts';
import type { UserDirectory } from '../users/ports.ts';

const subOf = (attributes: { Name?: string; Value?: string }[] | undefined) => {
  const sub = attributes?.find((a) => a.Name === 'sub')?.Value;
  if (!sub) throw new Error('The identity provider returned a user without sub');
  return sub;
};

/** What Cognito's refusals mean for the coordinateur; anything else stays unexpected (500). */
function explained(error: unknown): unknown {
  if (error instanceof InvalidParameterException) {
    const message = 'The identity provider does not accept this email address';
    return new RuleViolationError(`${message}.`, [{ path: 'body.email', message }], { cause: error });
  }
  if (error instanceof CodeDeliveryFailureException) {
    return new ServiceUnavailableError('The invitation could not be sent; try again in a moment.', {
      cause: error,
    });
  }
  if (error instanceof LimitExceededException || error instanceof TooManyRequestsException) {
    return new ServiceUnavailableError('The identity provider is busy; try again in a moment.', {
      cause: error,
    });
  }
  return error;
}

/**
 * The Cognito user pool as the administration sees it. Users sign in with their email, so the
 * email is the username given to every call. `AdminCreateUser` sends the invitation (a
 * temporary password by mail on AWS; cognito-local prints it).
 */
export function createCognitoDirectory(): UserDirectory {
  const { AWS_REGION, COGNITO_ENDPOINT, USER_POOL_ID } = config();
  if (!USER_POOL_ID) throw new Error('USER_POOL_ID is not set: the administration of users needs it');
  const cognito = new CognitoIdentityProviderClient({
    region: AWS_REGION,
    ...(COGNITO_ENDPOINT && { endpoint: COGNITO_ENDPOINT }),
  });
  const UserPoolId = USER_POOL_ID;
  const get = (Username: string) =>
    cognito.send(new AdminGetUserCommand({ UserPoolId, Username })).catch((error: unknown) => {
      if (error instanceof UserNotFoundException) return undefined;
      throw explained(error);
    });
  // In a pool whose users sign in with their email, an account's username is its sub.
  return {
    async invite(email) {
      try {
        const { User } = await cognito.send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username: email,
            DesiredDeliveryMediums: ['EMAIL'],
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
            ],
          }),
        );
        return { userId: subOf(User?.Attributes), existed: false, waiting: true };
      } catch (error) {
        if (!(error instanceof UsernameExistsException)) throw explained(error);
        const existing = await get(email);
        if (!existing) throw new ServiceUnavailableError('The account changed meanwhile; try again.');
        return {
          userId: subOf(existing.UserAttributes),
          existed: true,
          waiting: existing.UserStatus === 'FORCE_CHANGE_PASSWORD',
        };
      }
    },
    async resendInvitation(email) {
      try {
        await cognito.send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username: email,
            MessageAction: 'RESEND',
            DesiredDeliveryMediums: ['EMAIL'],
          }),
        );
        return 'sent';
      } catch (error) {
        // cognito-local sends no invitation at all, and says so (a 500 of type `CognitoLocal#Unsupported`).
        if (['UnsupportedError', 'Unsupported'].includes((error as { name?: string }).name ?? '')) {
          return 'unsupported';
        }
        throw explained(error);
      }
    },
    async setEnabled(userId, enabled) {
      const Command = enabled ? AdminEnableUserCommand : AdminDisableUserCommand;
      try {
        await cognito.send(new Command({ UserPoolId, Username: userId }));
        return 'done';
      } catch (error) {
        if (error instanceof UserNotFoundException) return 'no-account';
        throw explained(error);
      }
    },
    async canSignIn(userId) {
      const account = await get(userId);
      return account?.Enabled === true;
    },
  };
}
