import * as z from '../../shared/domain/zod.ts';
import { logger } from '../../shared/logger.ts';
import { type DailyJobReport, runDailyJob } from '../../shared/notify/daily-job.ts';
import { notifyDeps } from './notify-deps.ts';

/** The schedule passes its own time (`<aws.scheduler.scheduled-time>`), so a late start still runs for its day. */
const InputSchema = z.looseObject({ at: z.optional(z.isoDatetime({ offset: true })) });

/** The daily job (08:00 Europe/Paris): reminders, overdue notices, escalations and digests. */
export async function handler(input: unknown): Promise<DailyJobReport> {
  const parsed = InputSchema.safeParse(input ?? {});
  const at = parsed.success && parsed.data.at ? new Date(parsed.data.at) : notifyDeps.now();
  const report = await runDailyJob(notifyDeps, at);
  logger.info('Daily job ran', { day: report.day, sent: report.sent.length, errors: report.errors });
  // Failures throw once everything else was done: the scheduler retries (a run repeats nothing
  // already sent) and the error alarm fires.
  if (report.errors.length > 0)
    throw new Error(`The daily job failed ${report.errors.length} time(s): ${report.errors[0]}`);
  return report;
}
