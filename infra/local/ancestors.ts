import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The processes above this one (tsx's launcher, npm's shell, npm), so that `npm start` stops when
 * one of them dies. npm 11 does not pass a SIGTERM sent to its pid alone to
 * its script: the script's process outlives npm unless it notices.
 */

export interface Ancestor {
  pid: number;
  /** Its command name (`npm`, `sh`, `node`), to say which one ended. */
  name?: string;
  /** The start time the kernel gives it (Linux), so that a pid reused by another process is not taken for it. */
  started?: string;
}

/** `/proc/<pid>/stat`, after the command name (which may hold spaces and parentheses). */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function commandName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  const stat = procStat(pid);
  if (stat) return Number(stat[1]);
  try {
    // Without /proc (macOS): ps.
    return Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

/** npm names its process after the script it runs (`npm start`); its launcher is npm-cli.js. */
function isNpm(pid: number, name: string | undefined): boolean {
  if (name === 'npm' || name?.startsWith('npm ')) return true;
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return command[0] === 'npm' || command.some((arg) => arg.endsWith('npm-cli.js'));
  } catch {
    return false;
  }
}

/**
 * The processes to watch: those from this one's parent up to npm, npm included. Without npm in
 * the chain (tsx run by hand), the parent and the one that started it. What started npm (a shell
 * under `nohup`, a terminal) may end without stopping the stack.
 */
export function watchedAncestors(pid: number = process.pid): Ancestor[] {
  const chain = ancestors(pid);
  const npm = chain.findIndex((a) => isNpm(a.pid, a.name));
  return chain.slice(0, npm >= 0 ? npm + 1 : 2);
}

/** The chain of ancestors, nearest first, up to (not including) init. */
export function ancestors(pid: number = process.pid): Ancestor[] {
  const chain: Ancestor[] = [];
  let current = parentOf(pid);
  while (current !== undefined && current > 1 && chain.length < 64) {
    const started = procStat(current)?.[19];
    const name = commandName(current);
    chain.push({ pid: current, ...(name && { name }), ...(started !== undefined && { started }) });
    current = parentOf(current);
  }
  return chain;
}

/** Whether the process still runs: not gone, not a zombie, not another process under a reused pid. */
export function alive({ pid, started }: Ancestor): boolean {
  const stat = procStat(pid);
  if (stat) return stat[0] !== 'Z' && (started === undefined || stat[19] === started);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `onDeath` once, with the first ancestor found dead, polling every `intervalMs`. Returns a
 * function that stops watching. The timer does not keep the process alive.
 */
export function watchAncestors(
  onDeath: (ancestor: Ancestor) => void,
  { intervalMs = 500, chain = watchedAncestors() }: { intervalMs?: number; chain?: Ancestor[] } = {},
): () => void {
  const timer = setInterval(() => {
    const dead = chain.find((ancestor) => !alive(ancestor));
    if (dead) {
      clearInterval(timer);
      onDeath(dead);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
