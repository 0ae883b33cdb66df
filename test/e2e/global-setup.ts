import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestProject } from 'vitest/node';
import type { LocalStack } from '../../infra/local/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The console's address, as a browser opens it (`http://localhost:{port}/`). */
    consoleUrl: string;
  }
}

const root = join(import.meta.dirname, '..', '..');
const dist = join(root, 'web', 'dist');

/** The newest modification time under `path` (a file or a folder), in ms. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(
    stats.mtimeMs,
    ...readdirSync(path)
      .filter((name) => name !== 'node_modules' && name !== 'dist')
      .map((name) => newest(join(path, name))),
  );
}

/**
 * Builds the console into web/dist, unless the build there is newer than everything it is made
 * of: web/ (its sources, page, config) and the domain's words and schemas it imports.
 */
async function buildConsole(): Promise<string> {
  const built = join(dist, 'index.html');
  const sources = Math.max(
    newest(join(root, 'web')),
    newest(join(root, 'shared', 'domain')),
    newest(join(root, 'workflows')),
  );
  if (existsSync(built) && statSync(built).mtimeMs > sources) return 'the build in web/dist is up to date';
  const started = performance.now();
  const { build } = await import('vite');
  // Vitest sets NODE_ENV=test, with which vite would bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return `built into web/dist in ${((performance.now() - started) / 1000).toFixed(1)} s`;
}

interface Ready {
  url: string;
  consoleUrl: string;
  endpoints: LocalStack['endpoints'];
  identity: LocalStack['identity'];
  env: LocalStack['env'];
}

/** Starts test/e2e/stack-process.ts and waits for its one line saying where everything is. */
function startStack(): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'e2e', 'stack-process.ts')], {
    cwd: root,
    env: { ...process.env, CONSOLE_DIST: dist },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const errors: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors.push(chunk);
    if (errors.length > 50) errors.shift();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`The e2e stack did not start within 180 s: ${errors.join('').slice(-2000)}`));
    }, 180_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The e2e stack exited (${signal ?? code}): ${errors.join('').slice(-2000)}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let message: { ready?: Ready; error?: string };
      try {
        message = JSON.parse(line);
      } catch {
        return; // Any other output of the stack.
      }
      clearTimeout(timer);
      if (message.ready) resolve({ child, ready: message.ready });
      else reject(new Error(`The e2e stack could not start: ${message.error}`));
    });
  });
}

async function stopStack(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The browser tests' world: the console built once, and a local stack of their own (emulators on
 * free ports, seeded, a temporary data folder) whose gateway serves the console at `/`. No browser
 * here: each test file launches its own.
 */
export default async function setup(project: TestProject) {
  const started = performance.now();
  const build = await buildConsole();
  const { child, ready } = await startStack();
  console.log(
    `e2e: console ${build}; local stack at ${ready.consoleUrl} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide('consoleUrl', ready.consoleUrl);
  project.provide('apiUrl', ready.url);
  project.provide('endpoints', ready.endpoints);
  project.provide('identity', ready.identity);
  project.provide('env', ready.env);
  return () => stopStack(child);
}
