import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';

const LAUNCHER = join(import.meta.dirname, 'DynamoDBLocalLoopback.java');
const CACHE = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'renfort');

export interface DynamoDBLocalOptions {
  /** The folder of the bundled release, holding DynamoDBLocal.jar and DynamoDBLocal_lib/. */
  jarDir: string;
  host: string;
  port: number;
  /** Folder of the database files; in memory without it. */
  dbPath?: string;
}

/**
 * The `java` arguments that run DynamoDB Local listening on `host` only. Its command line has no
 * bind option, so DynamoDBLocalLoopback.java starts it; the launcher is compiled once per source
 * and release (javac, cached under node_modules/.cache), else run in single-file source mode,
 * which compiles it at every start (about 0.6 s more).
 */
export function dynamoDBLocalArgs({ jarDir, host, port, dbPath }: DynamoDBLocalOptions): string[] {
  const jar = join(jarDir, 'DynamoDBLocal.jar');
  const classes = compiledLauncher(jar, basename(jarDir));
  return [
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-cp',
    classes ? [jar, classes].join(delimiter) : jar,
    classes ? 'DynamoDBLocalLoopback' : LAUNCHER,
    host,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
    ...(dbPath ? ['-dbPath', dbPath] : ['-inMemory']),
  ];
}

/** The folder holding the compiled launcher, compiling it if needed; undefined without javac. */
function compiledLauncher(jar: string, release: string): string | undefined {
  const source = readFileSync(LAUNCHER);
  const key = createHash('sha256').update(source).update(release).digest('hex').slice(0, 16);
  const folder = join(CACHE, `dynamodb-loopback-${key}`);
  if (existsSync(join(folder, 'DynamoDBLocalLoopback.class'))) return folder;
  // Compiled aside, then renamed: two stacks starting at once never see half a folder.
  const draft = `${folder}.${process.pid}`;
  try {
    mkdirSync(draft, { recursive: true });
    const javac = spawnSync('javac', ['--release', '17', '-cp', jar, '-d', draft, LAUNCHER], {
      stdio: 'ignore',
    });
    if (javac.status !== 0) return undefined;
    renameSync(draft, folder);
    return folder;
  } catch {
    // A read-only cache, or another start that got there first.
    return existsSync(join(folder, 'DynamoDBLocalLoopback.class')) ? folder : undefined;
  } finally {
    rmSync(draft, { recursive: true, force: true });
  }
}
