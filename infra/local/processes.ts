import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Polls a URL until it answers anything over HTTP (an error status counts: the server is up). */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  exited?: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = exited?.();
    if (reason) throw new Error(`${url}: ${reason}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A child process whose output is kept (last lines only) to explain a failed start. */
export class ManagedProcess {
  /** Every child started and not yet exited: what must not outlive this process, whatever ends it. */
  static readonly running = new Set<ManagedProcess>();
  private readonly tail: string[] = [];
  private exitReason: string | undefined;
  private ended = false;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      this.tail.splice(0, Math.max(0, this.tail.length - 20));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    ManagedProcess.running.add(this);
    // A command that cannot run (ENOENT) ends the process: said, not thrown.
    child.once('error', (error) => {
      this.ended = true;
      ManagedProcess.running.delete(this);
      this.exitReason ??= `${name} could not run: ${error.message}`;
    });
    child.once('exit', (code, signal) => {
      this.ended = true;
      ManagedProcess.running.delete(this);
      this.exitReason = `${name} exited (${signal ?? code}): ${this.tail.slice(-5).join(' | ')}`;
    });
  }

  static start(
    name: string,
    command: string,
    args: string[],
    options: { cwd: string; env?: NodeJS.ProcessEnv },
  ) {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'pipe' });
    return new ManagedProcess(name, child);
  }

  /** Why the process has ended, or undefined while it runs. */
  exited = (): string | undefined => this.exitReason;

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. Resolves once it has exited. */
  async stop(graceMs = 3000): Promise<void> {
    const { child } = this;
    if (this.ended || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Synchronous last resort, for `process.on('exit')` where nothing can be awaited. */
  killNow(): void {
    if (!this.ended && this.child.exitCode === null && this.child.signalCode === null)
      this.child.kill('SIGKILL');
  }

  /** Stops every child still running, even those of a start still under way. */
  static stopAll(graceMs?: number): Promise<void> {
    return Promise.allSettled([...ManagedProcess.running].map((p) => p.stop(graceMs))).then(() => {});
  }

  static killAll(): void {
    for (const p of ManagedProcess.running) p.killNow();
  }
}
