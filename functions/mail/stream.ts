import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../shared/logger.ts';
import { dispatchOutbox } from '../../shared/notify/dispatch.ts';
import type { NotifyDeps, Recipients } from '../../shared/notify/ports.ts';
import { cached } from '../../shared/store/cached.ts';
import { outboxItemOf } from '../../shared/store/mail-repository.ts';

/** Whether a stream record is a new outbox item (the only records the dispatcher acts on). */
export function isNewOutboxItem(record: DynamoDBRecord): boolean {
  return record.eventName === 'INSERT' && record.dynamodb?.NewImage?.kind?.S === 'outbox';
}

/**
 * The dispatcher on the table's stream, the same in AWS and locally: each new outbox item is
 * dispatched; a record that fails (mail service down, poison item) is reported alone
 * (partial-batch response, even when every record failed), so the others are not sent again and
 * the shard moves on once the event source gives up on it (its retries, then the on-failure queue).
 */
export function streamHandlerOf(deps: NotifyDeps) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const recordHandlerOf = (batchDeps: NotifyDeps) => async (record: DynamoDBRecord) => {
    if (!isNewOutboxItem(record)) return;
    const image = record.dynamodb?.NewImage as Record<string, AttributeValue>;
    const item = outboxItemOf(unmarshall(image));
    const outcome = await dispatchOutbox(batchDeps, item);
    logger.info('Outbox item dispatched', {
      caseId: item.caseId,
      event: item.notification.template,
      sent: outcome.sent.length,
      failed: outcome.failed.length,
      digest: outcome.digest.length,
    });
  };
  return (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    // Every record of a batch was committed before the batch was read: one reading of the
    // recipients, made now, is as recent as the changes it serves (a burst of avis reads the
    // memberships once per batch instead of once per avis).
    const batchDeps = { ...deps, recipients: readOncePerBatch(deps.recipients) };
    return processPartialResponse(event, recordHandlerOf(batchDeps), processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  };
}

/** The recipients, each question asked once for the batch (a failed answer is asked again). */
export function readOncePerBatch(recipients: Recipients): Recipients {
  const members = cached((tenant) => recipients.members(tenant), Number.POSITIVE_INFINITY);
  const preferences = cached(
    (key) => recipients.preferences(key === '' ? [] : key.split(',')),
    Number.POSITIVE_INFINITY,
  );
  return {
    members,
    preferences: (userIds) => preferences([...userIds].sort().join(',')),
  };
}
