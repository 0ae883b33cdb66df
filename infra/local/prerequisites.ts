import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * What `npm start` needs before it starts anything, each refusal one plain sentence that says what
 * to do (DESIGN.md §6). Only Node's own modules here: this runs before anything else is loaded.
 */

export const MIN_NODE = [20, 19] as const;
export const MIN_JAVA = 17;

/** A sentence when this Node is older than 20.19 (Vite and the pinned tools need it). */
export function nodeProblem(version: string = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])) return undefined;
  return `Renfort needs Node ${MIN_NODE.join('.')} or later (found v${version.replace(/^v/, '')}): install it and run npm start again.`;
}

/** The major version in the output of `java -version` (`1.8.0_292` is 8), or undefined. */
export function javaMajor(versionOutput: string): number | undefined {
  const found = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!found) return undefined;
  const first = Number(found[1]);
  return first === 1 && found[2] !== undefined ? Number(found[2]) : first;
}

const INSTALL_JAVA =
  'install Java 17 or later (on Debian or Ubuntu: sudo apt-get install -y default-jre-headless) and run npm start again.';

/** A sentence when `java` is missing or older than 17 (DynamoDB Local runs on it). */
export function javaProblem(
  run = () => spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 15_000 }),
) {
  const result = run();
  if (result.error || result.status !== 0) {
    return `Renfort runs DynamoDB Local on Java, and no java command works here: ${INSTALL_JAVA}`;
  }
  const major = javaMajor(`${result.stderr ?? ''}${result.stdout ?? ''}`);
  if (major === undefined || major >= MIN_JAVA) return undefined;
  return `Renfort needs Java ${MIN_JAVA} or later for DynamoDB Local (found Java ${major}): ${INSTALL_JAVA}`;
}

export interface PortUse {
  /** What listens there: "the API and the console", "DynamoDB Local". */
  name: string;
  port: number;
  /** The environment variable that chooses it. */
  variable: string;
}

/** Whether something already listens on this port of the loopback interface. */
export function portBusy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/** A sentence naming the busy ports and how to choose others, or undefined when all are free. */
export async function portsProblem(uses: PortUse[]): Promise<string | undefined> {
  const busy = (
    await Promise.all(uses.map(async (use) => ((await portBusy(use.port)) ? use : undefined)))
  ).filter((use): use is PortUse => use !== undefined);
  const [first] = busy;
  if (!first) return undefined;
  const example = `${first.variable}=${first.port + 1} npm start`;
  if (busy.length === 1) {
    return `Port ${first.port} (${first.name}) is already in use, perhaps by another npm start: stop that, or choose another port, e.g. ${example}.`;
  }
  const list = busy.map((use) => `${use.port} (${use.name})`).join(', ');
  const variables = busy.map((use) => use.variable).join(', ');
  return `Ports ${list} are already in use, perhaps by another npm start: stop it, or choose other ports with ${variables}, e.g. ${example}.`;
}

/** The port an environment variable chooses, its default when unset; a sentence when it is not a port. */
export function portFrom(env: NodeJS.ProcessEnv, variable: string, fallback: number): number | string {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (Number.isInteger(port) && port >= 1 && port <= 65_535) return port;
  return `${variable} must be a port number from 1 to 65535 (found "${raw}"): set it to a free port, or unset it, and run npm start again.`;
}
