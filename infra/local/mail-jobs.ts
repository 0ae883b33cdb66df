import { addDays, type Day, parisDay } from '../../shared/domain/delais.ts';
import { type DailyJobDeps, type DailyJobReport, runDailyJob } from '../../shared/notify/daily-job.ts';
import { sweepOutbox } from '../../shared/notify/dispatch.ts';

/**
 * The scheduled mail functions of DESIGN.md §7, run in the local stack's process as EventBridge
 * runs them in AWS: the sweep every 30 s (outbox items the stream left pending), and the daily job
 * at 08:00 Europe/Paris.
 */

export const SWEEP_EVERY_MS = 30_000;
/** setTimeout's largest delay (a longer one fires at once). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/**
 * A long wait is cut into steps of at most this, each checking the wall clock again: timers run on
 * a monotonic clock that stands still while the machine sleeps, so a single timeout set for 08:00
 * would fire late after a night with the lid closed.
 */
const RECHECK_MS = Math.min(60_000, MAX_TIMEOUT_MS);

const PARIS_HOUR = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hour: '2-digit',
  hourCycle: 'h23',
});

/** 08:00 Europe/Paris on `day`: 07:00 UTC in winter (+01:00), 06:00 UTC in summer (+02:00). */
export function parisEightOn(day: Day): Date {
  for (const utcHour of ['07', '06']) {
    const at = new Date(`${day}T${utcHour}:00:00Z`);
    if (Number(PARIS_HOUR.format(at)) === 8) return at;
  }
  throw new RangeError(`No 08:00 in Europe/Paris on ${day}`);
}

/** The first 08:00 Europe/Paris strictly after `after`. */
export function nextDailyRun(after: Date): Date {
  const today = parisDay(after);
  const at = parisEightOn(today);
  return at > after ? at : parisEightOn(addDays(today, 1));
}

export interface MailJobsOptions {
  deps: DailyJobDeps;
  log?: (line: string) => void;
  sweepEveryMs?: number;
  now?: () => Date;
}

export interface MailJobs {
  /** When the daily job runs next. */
  readonly nextDailyRun: Date;
  readonly stopped: boolean;
  /** Runs the daily job as if it were `at` (POST /_local/daily-job). */
  runDailyJob(at: Date): Promise<DailyJobReport>;
  /** Clears both timers and waits for a run in progress. */
  stop(): Promise<void>;
  /** Clears both timers at once (for `process.on('exit')`). */
  stopNow(): void;
}

export function startMailJobs({
  deps,
  log,
  sweepEveryMs = SWEEP_EVERY_MS,
  now = () => new Date(),
}: MailJobsOptions): MailJobs {
  let stopped = false;
  let sweepTimer: NodeJS.Timeout | undefined;
  let dailyTimer: NodeJS.Timeout | undefined;
  // Today's run first: a stack started after 08:00 runs the day's job at once (a run repeats nothing).
  let next = parisEightOn(parisDay(now()));
  const running = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    return work.finally(() => running.delete(work));
  };
  let lastSweepError: string | undefined;

  async function sweep() {
    for (const tenant of deps.tenants) {
      try {
        const outcome = await sweepOutbox(deps, tenant);
        if (outcome.items > 0) {
          log?.(
            `Mail sweep (${tenant}): ${outcome.items} outbox item(s) left pending, ${outcome.sent} mail(s) sent, ${outcome.errors.length} error(s)`,
          );
        }
        for (const line of outcome.errors) log?.(`Mail sweep (${tenant}): ${line}`);
        lastSweepError = undefined;
      } catch (error) {
        const message = (error as Error).message;
        // One line per new failure, not one every 30 s.
        if (message !== lastSweepError) log?.(`Mail sweep (${tenant}) failed: ${message}`);
        lastSweepError = message;
      }
    }
  }

  function scheduleSweep() {
    if (stopped) return;
    sweepTimer = setTimeout(() => {
      sweepTimer = undefined;
      void track(sweep()).then(scheduleSweep);
    }, sweepEveryMs);
  }

  async function daily(at: Date) {
    try {
      const report = await runDailyJob(deps, at);
      log?.(`Daily job for ${report.day}: ${report.sent.length} mail(s) sent`);
      for (const line of report.errors) log?.(`Daily job for ${report.day}: ${line}`);
    } catch (error) {
      log?.(`Daily job for ${parisDay(at)} failed: ${(error as Error).message}`);
    }
  }

  function scheduleDaily() {
    if (stopped) return;
    const wait = next.getTime() - now().getTime();
    if (wait > 0) {
      dailyTimer = setTimeout(scheduleDaily, Math.min(wait, RECHECK_MS));
      return;
    }
    // The job runs for its scheduled time, as EventBridge passes it; a late start still runs for its day.
    const at = next;
    next = nextDailyRun(new Date(Math.max(now().getTime(), at.getTime())));
    dailyTimer = undefined;
    void track(daily(at)).then(scheduleDaily);
  }

  scheduleSweep();
  scheduleDaily();

  const clear = () => {
    stopped = true;
    clearTimeout(sweepTimer);
    clearTimeout(dailyTimer);
    sweepTimer = undefined;
    dailyTimer = undefined;
  };
  return {
    get nextDailyRun() {
      return next;
    },
    get stopped() {
      return stopped;
    },
    runDailyJob: (at) => track(runDailyJob(deps, at)),
    async stop() {
      clear();
      await Promise.allSettled([...running]);
    },
    stopNow: clear,
  };
}
