import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { LOCAL_PASSWORD } from '../../infra/local/identity.ts';
import { LOCAL_BUCKET, LOCAL_TABLE, localClients } from '../../infra/local/stack.ts';
import type { FicheDraft } from '../../shared/domain/fiche.schema.ts';
import { createCaseRepository } from '../../shared/store/case-repository.ts';

/** Direct access to the emulators, for what a test must arrange or inspect below the API. */
export function emulatorAccess() {
  const clients = localClients(inject('endpoints'));
  return { clients, repository: createCaseRepository(clients.db, LOCAL_TABLE) };
}

export const COMPLETE_FICHE: FicheDraft = {
  nature: 'preventive',
  domaines: ['gestion_financiere', 'gouvernance'],
  signesAlerte: 'Deux exercices déficitaires, départ de la directrice.',
  demandeur: { nom: 'Mme Martin', qualite: 'Présidente', email: 'presidente@tilleuls.example.org' },
  attentes: 'Un regard extérieur sur la gouvernance.',
};

/**
 * A user with a role and an organisation, created in the local user pool if missing: the
 * fixtures beyond the seed (one partenaire per funder, for the races).
 */
export async function ensureTestUser(email: string, role: string, organisationId: string): Promise<void> {
  const { cognito } = localClients(inject('endpoints'));
  const UserPoolId = inject('identity').userPoolId;
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'custom:tenant', Value: 'caf13' },
          { Name: 'custom:organisationId', Value: organisationId },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof UsernameExistsException) return;
    throw error;
  }
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId,
      Username: email,
      Password: LOCAL_PASSWORD,
      Permanent: true,
    }),
  );
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: role }));
}

/** Whether s3rver holds an object under this key of the documents bucket. */
export async function objectExists(key: string): Promise<boolean> {
  const { s3 } = localClients(inject('endpoints'));
  try {
    await s3.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKET, Key: key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}
