import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HOLIDAY_YEARS } from '../../shared/domain/delais.ts';
import { InvalidInputError, NotFoundError, ServiceUnavailableError } from '../../shared/domain/errors.ts';
import * as z from '../../shared/domain/zod.ts';
import { routeList } from '../../shared/http/routes.ts';
import { createConsoleSite } from './console.ts';
import { docsRoutes } from './docs.ts';
import { type EmulatorEndpoints, type EmulatorPorts, startEmulators } from './emulators.ts';
import { createGateway } from './gateway.ts';
import { ensureIdentity, issueLocalToken, type LocalIdentity } from './identity.ts';
import { createJwtAuthorizer } from './jwt-verifier.ts';
import { type MailJobs, startMailJobs } from './mail-jobs.ts';
import { ensureBucket, ensureBucketCors, ensureTable } from './provision.ts';
import { seed } from './seed.ts';
import { seedUsers } from './seed-data.ts';
import { type StreamPoller, startStreamPoller } from './stream-poller.ts';

export const LOCAL_TABLE = 'renfort';
export const LOCAL_BUCKET = 'renfort-documents';
const REGION = 'eu-west-3';
// s3rver accepts only its own key pair; DynamoDB Local and cognito-local accept any.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
/** Where `npm run build:web` writes the console. */
export const DEFAULT_CONSOLE_DIST = join(import.meta.dirname, '..', '..', 'web', 'dist');

export interface LocalStackOptions {
  ports: EmulatorPorts;
  /** 0 picks a free port. */
  gatewayPort: number;
  dataDir?: string;
  /** The console's build, served at `/` (DEFAULT_CONSOLE_DIST when absent; it need not exist). */
  consoleDist?: string;
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  /** The console's address, as a browser opens it (`http://localhost:3000/`). */
  consoleUrl: string;
  consoleDist: string;
  endpoints: EmulatorEndpoints;
  identity: LocalIdentity;
  env: Record<string, string>;
  seeded: Awaited<ReturnType<typeof seed>>;
  /** The mail dispatcher on the table's stream, and the sweep and daily job timers (DESIGN.md §7). */
  mail: { poller: StreamPoller; jobs: MailJobs };
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
    streams: new DynamoDBStreamsClient({ ...common, endpoint: endpoints.dynamodb }),
    s3: new S3Client({ ...common, endpoint: endpoints.s3, forcePathStyle: true }),
    cognito: new CognitoIdentityProviderClient({ ...common, endpoint: endpoints.cognito }),
  };
}

const TokenRequestSchema = z.strictObject({ email: z.email().check(z.toLowerCase()) });
/** An instant whose days the délais can count: the years of the holiday table, a few days inside. */
const DailyJobRequestSchema = z.strictObject({
  at: z.isoDatetime({ offset: true }).check(
    z.refine(
      (at) => {
        const year = new Date(at).getUTCFullYear();
        return year >= HOLIDAY_YEARS.from && year <= HOLIDAY_YEARS.to - 1;
      },
      `A year from ${HOLIDAY_YEARS.from} to ${HOLIDAY_YEARS.to - 1}`,
    ),
  ),
});

/**
 * The mail functions of DESIGN.md §7 in this process: the dispatcher on the table's stream, the
 * sweep and the daily job. Their modules read the configuration when loaded, so they are loaded
 * only now, once the environment is set (as the gateway loads the handlers of the routes).
 */
async function startMail(
  clients: ReturnType<typeof localClients>,
  log: ((line: string) => void) | undefined,
): Promise<LocalStack['mail']> {
  const [{ notifyDeps }, { handler }, { isNewOutboxItem }] = await Promise.all([
    import('../../functions/mail/notify-deps.ts'),
    // The very module Lambda runs on the stream: streamHandlerOf(notifyDeps).
    import('../../functions/mail/dispatch.handler.ts'),
    import('../../functions/mail/stream.ts'),
  ]);
  const poller = await startStreamPoller({
    dynamodb: clients.dynamodb,
    streams: clients.streams,
    tableName: LOCAL_TABLE,
    handler,
    // The event source mapping's filter: only new outbox items wake the dispatcher.
    filter: isNewOutboxItem,
    ...(log && { log }),
  });
  const jobs = startMailJobs({ deps: notifyDeps, ...(log && { log }) });
  return { poller, jobs };
}

/**
 * The whole system on one machine: emulators up, resources created when missing,
 * seed data written, and the local gateway serving the route table.
 */
export async function startLocalStack({
  ports,
  gatewayPort,
  dataDir,
  consoleDist = DEFAULT_CONSOLE_DIST,
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

    let mail: LocalStack['mail'] | undefined;
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
        {
          method: 'POST',
          path: '/_local/daily-job',
          run: async (body) => {
            const parsed = DailyJobRequestSchema.safeParse(safeJson(body));
            if (!parsed.success) {
              throw new InvalidInputError([
                {
                  path: 'body.at',
                  message: `Send {"at": "<an ISO 8601 instant, with Z or an offset, from ${HOLIDAY_YEARS.from} to ${HOLIDAY_YEARS.to - 1}>"}.`,
                },
              ]);
            }
            if (!mail) throw new ServiceUnavailableError('The mail functions are still starting: try again.');
            return { status: 200, body: await mail.jobs.runDailyJob(new Date(parsed.data.at)) };
          },
        },
      ],
      site: createConsoleSite({
        distDir: consoleDist,
        // The presigned uploads and downloads go straight to the S3 emulator.
        connectSrc: [new URL(endpoints.s3).origin],
        // The console signs in through POST /_local/token here; in AWS the CDK writes Cognito's settings.
        // and lists the seeded users to sign in as (invited ones type their email).
        config: {
          auth: 'local',
          users: seedUsers.map(({ email, role, organisationId }) => ({ email, role, organisationId })),
        },
      }),
      ...(log && { log }),
    });
    const closeGateway = async () => {
      gateway.closeAllConnections();
      await new Promise((resolve) => gateway.close(resolve));
    };
    const port = await listen(gateway, gatewayPort);
    try {
      // The links in the mails lead to this gateway's console, unless told otherwise.
      env.APP_URL = process.env.APP_URL ?? `http://localhost:${port}`;
      Object.assign(process.env, env);
      await ensureBucketCors(clients.s3, LOCAL_BUCKET, [
        `http://localhost:${port}`,
        `http://127.0.0.1:${port}`,
      ]);
      // After the seed, whose items the dispatcher has no use for; a change made meanwhile is
      // still read (the poller starts at the oldest record: see stream-poller.ts).
      mail = await startMail(clients, log);
    } catch (error) {
      await closeGateway();
      throw error;
    }
    const running = mail;
    return {
      url: `http://127.0.0.1:${port}`,
      consoleUrl: `http://localhost:${port}/`,
      consoleDist,
      endpoints,
      identity,
      env,
      seeded,
      mail: running,
      killNow: () => {
        running.poller.stopNow();
        running.jobs.stopNow();
        emulators.killNow();
      },
      stop: async () => {
        // The mail functions first: they call the emulators until they are told to stop.
        await Promise.all([running.poller.stop(), running.jobs.stop()]);
        await closeGateway();
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
