import { logger } from '../../shared/logger.ts';
import { sweepOutbox } from '../../shared/notify/dispatch.ts';
import { notifyDeps } from './notify-deps.ts';

/** Every few minutes: outbox items the stream left pending (a gap, a record given up on) are dispatched again. */
export async function handler(): Promise<void> {
  for (const tenant of notifyDeps.tenants) {
    const outcome = await sweepOutbox(notifyDeps, tenant);
    if (outcome.items > 0) logger.warn('Outbox items swept', { tenant, ...outcome });
  }
}
