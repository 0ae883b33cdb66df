import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { LOCAL_BUCKET, LOCAL_TABLE, localClients } from '../../infra/local/stack.ts';
import type { FicheDraft } from '../../shared/domain/fiche.schema.ts';
import { createCaseRepository } from '../../shared/store/case-repository.ts';
import { createDocumentRepository } from '../../shared/store/document-repository.ts';
import { apiClient } from './api.ts';

/** Direct access to the emulators, for what a test must arrange or inspect below the API. */
export function emulatorAccess() {
  const clients = localClients(inject('endpoints'));
  return {
    clients,
    repository: createCaseRepository(clients.db, LOCAL_TABLE, () => new Date()),
    documents: createDocumentRepository(clients.db, LOCAL_TABLE),
  };
}

export const COMPLETE_FICHE: FicheDraft = {
  nature: 'preventive',
  domaines: ['gestion_financiere', 'gouvernance'],
  signesAlerte: 'Deux exercices déficitaires, départ de la directrice.',
  demandeur: { nom: 'Mme Martin', qualite: 'Présidente', email: 'presidente@tilleuls.example.org' },
  attentes: 'Un regard extérieur sur la gouvernance.',
};

/**
 * A user with a role and an organisation, invited by the coordination through the API when
 * missing: the fixtures beyond the seed (one partenaire per funder, for the races).
 */
export async function ensureTestUser(email: string, role: string, organisationId: string): Promise<void> {
  const res = await apiClient().call('POST', '/admin/users', {
    as: 'coordination@caf13.example.org',
    body: { email, role, organisationId },
  });
  if (res.status !== 201 && res.status !== 409) throw new Error(`cannot invite ${email}: ${res.text}`);
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
