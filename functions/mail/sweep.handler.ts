import { logger } from '../../shared/logger.ts';
import { sweepOutbox } from '../../shared/notify/dispatch.ts';
import { notifyDeps } from './notify-deps.ts';

/**
 * Every few minutes: outbox items the stream left pending (a gap, a record given up on) are
 * dispatched again. A run with failures throws once all items were tried, so that its error alarm
 * fires; an item that keeps failing is given up after an hour, with an error log.
 */
export async function handler(): Promise<void> {
  const errors: string[] = [];
  for (const tenant of notifyDeps.tenants) {
    const outcome = await sweepOutbox(notifyDeps, tenant);
    if (outcome.items > 0) logger.warn('Outbox items swept', { tenant, ...outcome });
    errors.push(...outcome.errors);
  }
  if (errors.length > 0) throw new Error(`The sweep failed on ${errors.length} outbox item(s): ${errors[0]}`);
}
