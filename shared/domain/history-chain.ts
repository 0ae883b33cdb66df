import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { HistoryEvent } from './case.ts';

/** The `prevHash` of a case's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 of the event's canonical JSON (RFC 8785), its own hash left out and its predecessor's in. */
export function hashEvent(event: Omit<HistoryEvent, 'hash'>): string {
  return createHash('sha256')
    .update(canonicalize(event) ?? '')
    .digest('hex');
}

/** Seals an event: a fresh salt unless one is given, then its hash. */
export function chainEvent(event: Omit<HistoryEvent, 'hash' | 'salt'> & { salt?: string }): HistoryEvent {
  const salted = { ...event, salt: event.salt ?? randomBytes(16).toString('hex') };
  return { ...salted, hash: hashEvent(salted) };
}

export type ChainCheck = { valid: true } | { valid: false; seq: number; reason: string };

/**
 * Checks numbering, links and hashes of a whole history, oldest first. With the head hash the
 * case record holds, a history cut short is caught too.
 */
export function verifyChain(events: HistoryEvent[], headHash?: string): ChainCheck {
  let prevHash = GENESIS_HASH;
  for (const [i, { hash, ...content }] of events.entries()) {
    if (content.seq !== i + 1) return { valid: false, seq: content.seq, reason: `expected event ${i + 1}` };
    if (content.prevHash !== prevHash) return { valid: false, seq: content.seq, reason: 'broken link' };
    if (hashEvent(content) !== hash) return { valid: false, seq: content.seq, reason: 'content altered' };
    prevHash = hash;
  }
  if (headHash !== undefined && prevHash !== headHash) {
    return { valid: false, seq: events.length, reason: 'history ends before the case head' };
  }
  return { valid: true };
}
