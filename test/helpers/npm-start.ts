import { readdirSync, readFileSync } from 'node:fs';
import { alive } from '../../infra/local/ancestors.ts';
import { portBusy } from '../../infra/local/prerequisites.ts';
import { freePort } from '../../infra/local/processes.ts';

/** The ports `npm start` reads from its environment, as their variables name them. */
export interface StartPorts {
  PORT: string;
  DYNAMODB_PORT: string;
  S3_PORT: string;
  SES_PORT: string;
  COGNITO_PORT: string;
}

/** Five free ports, for one `npm start` of its own. */
export async function freeStartPorts(): Promise<StartPorts> {
  const [a, b, c, d, e] = await Promise.all(Array.from({ length: 5 }, () => freePort()));
  return {
    PORT: String(a),
    DYNAMODB_PORT: String(b),
    S3_PORT: String(c),
    SES_PORT: String(d),
    COGNITO_PORT: String(e),
  };
}

/** Every live process whose environment names this data folder: all that one npm start started. */
export function processesOf(dataDir: string): number[] {
  const mark = `RENFORT_DATA_DIR=${dataDir}\0`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(mark) && alive({ pid });
      } catch {
        return false;
      }
    });
}

/** A process's command line, or its pid once it is gone. */
export const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
  } catch {
    return `pid ${pid}`;
  }
};

/** The variables of the ports still taken. */
export async function busyPorts(ports: StartPorts): Promise<string[]> {
  const busy = await Promise.all(
    Object.entries(ports).map(async ([name, port]) => ((await portBusy(Number(port))) ? name : undefined)),
  );
  return busy.filter((name): name is string => name !== undefined);
}

/**
 * Polls until no process of this start runs and its ports are free; how long that took, in ms.
 * Past `timeoutMs`, throws what `failure` makes of what is left.
 */
export async function allGone(
  dataDir: string,
  ports: StartPorts,
  timeoutMs: number,
  failure: (left: string[], busy: string[]) => Error = (left, busy) =>
    new Error(`still running after ${timeoutMs} ms: ${left.join(' | ')}; ports ${busy.join(', ')}`),
): Promise<number> {
  const since = performance.now();
  for (;;) {
    const left = processesOf(dataDir);
    const busy = await busyPorts(ports);
    if (left.length === 0 && busy.length === 0) return performance.now() - since;
    if (performance.now() - since > timeoutMs) throw failure(left.map(commandOf), busy);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The process running infra/local/start.ts (under npm, its shell and tsx's launcher). */
export function startProcess(dataDir: string): number | undefined {
  return processesOf(dataDir).find((pid) => commandOf(pid).includes('preflight.cjs'));
}
