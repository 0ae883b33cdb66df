import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * Builds the console from the sources as they are, into a folder of this run: `web/dist` may be
 * rebuilt meanwhile by `npm start` or `npm run build:web` (vite empties it first), which would take
 * the files from under the pages of a run that served them from there.
 */
async function buildConsole(): Promise<{ dist: string; took: number }> {
  const dist = mkdtempSync(join(tmpdir(), 'renfort-e2e-console-'));
  const started = performance.now();
  const { build } = await import('vite');
  // Vitest sets NODE_ENV=test, with which vite would bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(root, 'web', 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir: dist, emptyOutDir: true },
    });
  } catch (error) {
    rmSync(dist, { recursive: true, force: true });
    throw error;
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return { dist, took: performance.now() - started };
}

interface Ready {
  url: string;
  consoleUrl: string;
  endpoints: LocalStack['endpoints'];
  identity: LocalStack['identity'];
  env: LocalStack['env'];
}

/** Starts test/e2e/stack-process.ts and waits for its one line saying where everything is. */
function startStack(dist: string): Promise<{ child: ChildProcess; ready: Ready }> {
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
 * The browser tests' world: the console built once for the run, and a local stack of their own
 * (emulators on free ports, seeded, a temporary data folder) whose gateway serves that build at `/`.
 * No browser here: each test file launches its own.
 */
export default async function setup(project: TestProject) {
  const { dist, took } = await buildConsole();
  const started = performance.now();
  let stack: Awaited<ReturnType<typeof startStack>>;
  try {
    stack = await startStack(dist);
  } catch (error) {
    rmSync(dist, { recursive: true, force: true });
    throw error;
  }
  const { child, ready } = stack;
  console.log(
    `e2e: console built in ${(took / 1000).toFixed(1)} s; local stack serving it at ${ready.consoleUrl} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide('consoleUrl', ready.consoleUrl);
  project.provide('apiUrl', ready.url);
  project.provide('endpoints', ready.endpoints);
  project.provide('identity', ready.identity);
  project.provide('env', ready.env);
  return async () => {
    await stopStack(child);
    rmSync(dist, { recursive: true, force: true });
  };
}
