import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ManagedProcess } from './processes.ts';

/**
 * The console's build for `npm start`: `web/dist` is rebuilt when its index.html is missing or
 * older than anything it is made of (what `npm run build:web` builds from).
 */

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export type ConsoleBuildState =
  | { state: 'no-console' }
  | { state: 'fresh' }
  | { state: 'stale'; reason: string };

interface Newest {
  mtimeMs: number;
  path?: string;
}

/**
 * The newest modification time under `path`, a file or a folder (a folder's own time counts: a
 * file removed changes it), leaving out node_modules and dist; 0 when absent.
 */
function newest(path: string): Newest {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    return { mtimeMs: 0 };
  }
  let best: Newest = { mtimeMs: stats.mtimeMs, path };
  if (!stats.isDirectory()) return best;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const found = newest(join(path, entry));
    if (found.mtimeMs > best.mtimeMs) best = found;
  }
  return best;
}

/**
 * What the console is made of: web/ (its sources, page and config: web/src, web/index.html,
 * web/vite.config.ts and the rest) and the domain's words and schemas it imports.
 */
export function consoleSources(root = REPO_ROOT): string[] {
  return [join(root, 'web'), join(root, 'shared', 'domain'), join(root, 'workflows')];
}

export function consoleBuildState(root = REPO_ROOT): ConsoleBuildState {
  const web = join(root, 'web');
  if (!existsSync(join(web, 'index.html')) || !existsSync(join(web, 'vite.config.ts'))) {
    return { state: 'no-console' };
  }
  let built: number;
  try {
    built = statSync(join(web, 'dist', 'index.html')).mtimeMs;
  } catch {
    return { state: 'stale', reason: 'not built yet' };
  }
  for (const source of consoleSources(root)) {
    const found = newest(source);
    if (found.mtimeMs > built) {
      const name = (found.path ?? source).slice(root.length + 1);
      return { state: 'stale', reason: `${name} changed since the last build` };
    }
  }
  return { state: 'fresh' };
}

/**
 * `vite build --config web/vite.config.ts` (what `npm run build:web` runs), in a child process of
 * its own: it builds on other cores while the emulators start, with NODE_ENV=production whatever
 * this shell has (React's production build), and it is stopped with the stack if npm start ends.
 */
export async function buildConsole(root = REPO_ROOT): Promise<void> {
  const require = createRequire(import.meta.url);
  const vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const build = ManagedProcess.start(
    'vite build',
    process.execPath,
    [vite, 'build', '--config', join(root, 'web', 'vite.config.ts'), '--logLevel', 'warn'],
    { cwd: root, env: { ...process.env, NODE_ENV: 'production' } },
  );
  const code = await new Promise<number | null>((resolve) => {
    build.child.once('exit', (exitCode) => resolve(exitCode));
    build.child.once('error', () => resolve(null));
  });
  if (code !== 0) throw new Error(build.exited() ?? `vite build ended with ${code}`);
}
