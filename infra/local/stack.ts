import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../../shared/domain/errors.ts';
import { routeList } from '../../shared/http/routes.ts';
import { docsRoutes } from './docs.ts';
import { type EmulatorEndpoints, type EmulatorPorts, startEmulators } from './emulators.ts';
import { createGateway } from './gateway.ts';
import { ensureIdentity, issueLocalToken, type LocalIdentity } from './identity.ts';
import { createJwtAuthorizer } from './jwt-verifier.ts';
import { ensureBucket, ensureTable } from './provision.ts';
import { seed } from './seed.ts';

export const LOCAL_TABLE = 'renfort';
export const LOCAL_BUCKET = 'renfort-documents';
const REGION = 'eu-west-3';
// s3rver accepts only its own key pair; DynamoDB Local and cognito-local accept any.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalStackOptions {
  ports: EmulatorPorts;
  /** 0 picks a free port. */
  gatewayPort: number;
  dataDir?: string;
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  endpoints: EmulatorEndpoints;
  identity: LocalIdentity;
  env: Record<string, string>;
  seeded: Awaited<ReturnType<typeof seed>>;
  stop(): Promise<void>;
  killNow(): void;
}

/** AWS SDK clients pointed at the emulators. */
export function localClients(endpoints: EmulatorEndpoints) {
  const common = { region: REGION, credentials: CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
  return {
    dynamodb,
    db: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    s3: new S3Client({ ...common, endpoint: endpoints.s3, forcePathStyle: true }),
    cognito: new CognitoIdentityProviderClient({ ...common, endpoint: endpoints.cognito }),
  };
}

const TokenRequestSchema = z.strictObject({ email: z.email().toLowerCase() });

/**
 * The whole system on one machine: emulators up, resources created when missing,
 * seed data written, and the local gateway serving the route table.
 */
export async function startLocalStack({
  ports,
  gatewayPort,
  dataDir,
  log,
}: LocalStackOptions): Promise<LocalStack> {
  const emulators = await startEmulators({ ports, ...(dataDir && { dataDir }) });
  try {
    const { endpoints } = emulators;
    const clients = localClients(endpoints);
    const env: Record<string, string> = {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      TABLE_NAME: LOCAL_TABLE,
      BUCKET_NAME: LOCAL_BUCKET,
      DYNAMODB_ENDPOINT: endpoints.dynamodb,
      S3_ENDPOINT: endpoints.s3,
      SES_ENDPOINT: endpoints.ses,
    };
    // The handlers run in this process, as Lambda would run them: configured by the environment.
    Object.assign(process.env, env);

    const [, , identity] = await Promise.all([
      ensureTable(clients.dynamodb, LOCAL_TABLE),
      ensureBucket(clients.s3, LOCAL_BUCKET),
      ensureIdentity(clients.cognito, endpoints.cognito),
    ]);
    // The administration of users calls the same user pool through the same environment.
    Object.assign(env, { USER_POOL_ID: identity.userPoolId, COGNITO_ENDPOINT: endpoints.cognito });
    Object.assign(process.env, env);
    const seeded = await seed({
      db: clients.db,
      tableName: LOCAL_TABLE,
      cognito: clients.cognito,
      userPoolId: identity.userPoolId,
    });

    const gateway = createGateway({
      routes: routeList,
      authorize: createJwtAuthorizer({
        issuer: identity.issuer,
        audience: [identity.clientId],
        jwksUrl: identity.jwksUrl,
      }),
      localRoutes: [
        ...docsRoutes,
        {
          method: 'POST',
          path: '/_local/token',
          run: async (body) => {
            const parsed = TokenRequestSchema.safeParse(safeJson(body));
            if (!parsed.success) {
              throw new InvalidInputError([
                { path: 'body.email', message: 'Send {"email": "<a local user>"}.' },
              ]);
            }
            const token = await issueLocalToken(clients.cognito, identity, parsed.data.email);
            if (!token) throw new NotFoundError(`No local user ${parsed.data.email}.`);
            return { status: 200, body: { token } };
          },
        },
      ],
      ...(log && { log }),
    });
    const port = await listen(gateway, gatewayPort);
    return {
      url: `http://127.0.0.1:${port}`,
      endpoints,
      identity,
      env,
      seeded,
      killNow: emulators.killNow,
      stop: async () => {
        gateway.closeAllConnections();
        await new Promise((resolve) => gateway.close(resolve));
        await emulators.stop();
      },
    };
  } catch (error) {
    await emulators.stop();
    throw error;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the gateway hands out tokens to whoever asks (POST /_local/token).
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
