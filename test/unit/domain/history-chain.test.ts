import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../../shared/domain/case.ts';
import { chainEvent, GENESIS_HASH, hashEvent, verifyChain } from '../../../shared/domain/history-chain.ts';

type EventContent = Omit<HistoryEvent, 'hash' | 'seq' | 'prevHash' | 'salt'>;

/** Links contents into a history, oldest first, as the use cases do one commit at a time. */
function chain(contents: EventContent[]): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (const [i, content] of contents.entries()) {
    events.push(chainEvent({ ...content, seq: i + 1, prevHash: events.at(-1)?.hash ?? GENESIS_HASH }));
  }
  return events;
}

const contentArb: fc.Arbitrary<EventContent> = fc.record({
  type: fc.constantFrom('CASE_CREATED', 'SUBMIT_FICHE', 'OPEN_SAISINE', 'GIVE_AVIS', 'ACCEPT', 'WITHDRAW'),
  at: fc
    .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2030, 0, 1) })
    .map((ms) => new Date(ms).toISOString()),
  actor: fc.record({
    sub: fc.uuid(),
    role: fc.constantFrom('gestionnaire', 'coordinateur', 'partenaire', 'prestataire'),
    organisationId: fc.constantFrom('cs-tilleuls', 'caf13', 'etat', 'singuliers-co', 'caf13-coordination'),
  }),
  payload: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
});

const historyArb = fc.array(contentArb, { minLength: 1, maxLength: 12 }).map(chain);

const FIELDS = [
  'type',
  'at',
  'actor.sub',
  'actor.role',
  'actor.organisationId',
  'payload',
  'prevHash',
  'hash',
] as const;
type Field = (typeof FIELDS)[number];

const read = (event: HistoryEvent, field: Field): unknown =>
  field.startsWith('actor.')
    ? event.actor[field.slice(6) as keyof HistoryEvent['actor']]
    : event[field as keyof HistoryEvent];

function withField(event: HistoryEvent, field: Field, value: unknown): HistoryEvent {
  if (field.startsWith('actor.')) return { ...event, actor: { ...event.actor, [field.slice(6)]: value } };
  return { ...event, [field]: value } as HistoryEvent;
}

/** A replacement value of the right kind for the field; the property keeps only real changes. */
const valueFor = (field: Field): fc.Arbitrary<unknown> => {
  switch (field) {
    case 'payload':
      return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
    case 'prevHash':
    case 'hash':
      return fc.stringMatching(/^[0-9a-f]{64}$/);
    default:
      return fc.string({ maxLength: 30 });
  }
};

const tamperArb = historyArb.chain((events) =>
  fc
    .record({
      events: fc.constant(events),
      index: fc.nat({ max: events.length - 1 }),
      field: fc.constantFrom(...FIELDS),
    })
    .chain((t) => valueFor(t.field).map((value) => ({ ...t, value }))),
);

describe('verifyChain', () => {
  it('verifies every chain built with chainEvent', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        expect(verifyChain(events)).toEqual({ valid: true });
      }),
    );
  });

  it('catches a history cut short when given the head hash the case record holds', () => {
    fc.assert(
      fc.property(
        historyArb.filter((events) => events.length >= 2),
        (events) => {
          const head = events.at(-1)?.hash as string;
          expect(verifyChain(events, head)).toEqual({ valid: true });
          const cut = events.slice(0, -1);
          expect(verifyChain(cut)).toEqual({ valid: true }); // without the head, a truncation looks whole
          expect(verifyChain(cut, head)).toEqual({
            valid: false,
            seq: cut.length,
            reason: 'history ends before the case head',
          });
        },
      ),
    );
  });

  it('verifies the empty history', () => {
    expect(verifyChain([])).toEqual({ valid: true });
  });

  it('fails at the seq of the one event whose field was changed', () => {
    fc.assert(
      fc.property(tamperArb, ({ events, index, field, value }) => {
        const original = events[index] as HistoryEvent;
        fc.pre(canonicalize(read(original, field)) !== canonicalize(value));
        const tampered = events.with(index, withField(original, field, value));

        const result = verifyChain(tampered);

        expect(result).toMatchObject({ valid: false, seq: index + 1 });
      }),
    );
  });

  it('reports a renumbered event with the position where it was expected', () => {
    fc.assert(
      fc.property(historyArb, fc.integer({ min: -5, max: 50 }), fc.nat(), (events, seq, at) => {
        const index = at % events.length;
        fc.pre(seq !== index + 1);
        const tampered = events.with(index, { ...(events[index] as HistoryEvent), seq });

        const result = verifyChain(tampered);

        expect(result).toEqual({ valid: false, seq, reason: `expected event ${index + 1}` });
      }),
    );
  });

  it('fails where an event was removed from inside the history', () => {
    fc.assert(
      fc.property(
        historyArb.filter((events) => events.length >= 2),
        fc.nat(),
        (events, at) => {
          const index = at % (events.length - 1);
          const removed = events.toSpliced(index, 1);

          const result = verifyChain(removed);

          expect(result).toMatchObject({ valid: false, reason: `expected event ${index + 1}` });
        },
      ),
    );
  });

  it('fails where two events were swapped', () => {
    fc.assert(
      fc.property(
        historyArb.filter((events) => events.length >= 2),
        fc.nat(),
        fc.nat(),
        (events, a, b) => {
          const [i, j] = [a % events.length, b % events.length].sort((x, y) => x - y) as [number, number];
          fc.pre(i !== j);
          const swapped = events.with(i, events[j] as HistoryEvent).with(j, events[i] as HistoryEvent);

          const result = verifyChain(swapped);

          expect(result).toEqual({ valid: false, seq: j + 1, reason: `expected event ${i + 1}` });
        },
      ),
    );
  });

  it('fails at the next event when a changed event is rehashed to hide the change', () => {
    const events = chain([
      {
        type: 'CASE_CREATED',
        at: '2026-03-01T08:00:00.000Z',
        actor: { sub: 's', role: 'gestionnaire', organisationId: 'cs-tilleuls' },
        payload: {},
      },
      {
        type: 'GIVE_AVIS',
        at: '2026-03-05T08:00:00.000Z',
        actor: { sub: 's', role: 'partenaire', organisationId: 'etat' },
        payload: { avis: 'favorable' },
      },
      {
        type: 'ACCEPT',
        at: '2026-03-06T08:00:00.000Z',
        actor: { sub: 's', role: 'coordinateur', organisationId: 'caf13-coordination' },
        payload: { prestataireId: 'cabinet-b' },
      },
    ]);
    const { hash: _, ...second } = events[1] as HistoryEvent;
    const forged = chainEvent({ ...second, payload: { avis: 'defavorable' } });

    const result = verifyChain(events.with(1, forged));

    expect(result).toEqual({ valid: false, seq: 3, reason: 'broken link' });
  });

  it('salts each event, so the same content never gives the same hash twice', () => {
    const content = {
      seq: 4,
      type: 'GIVE_AVIS',
      at: '2026-03-05T08:00:00.000Z',
      actor: { sub: 's', role: 'partenaire' as const, organisationId: 'etat' },
      payload: { avis: 'favorable' },
      prevHash: GENESIS_HASH,
    };
    const [a, b] = [chainEvent(content), chainEvent(content)];
    expect(a.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(hashEvent({ ...content, salt: a.salt })).toBe(a.hash);
  });

  it('starts from the genesis hash and hashes the canonical content', () => {
    const content = {
      seq: 1,
      type: 'CASE_CREATED',
      at: '2026-03-01T08:00:00.000Z',
      actor: { sub: 's', role: 'gestionnaire' as const, organisationId: 'cs-tilleuls' },
      payload: { b: 1, a: 2 },
      prevHash: GENESIS_HASH,
    };
    const reordered = { ...content, payload: { a: 2, b: 1 } };

    const event = chainEvent(content);

    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEvent({ ...reordered, salt: event.salt })).toBe(event.hash);
    expect(verifyChain([{ ...event, prevHash: 'f'.repeat(64) }])).toMatchObject({
      valid: false,
      seq: 1,
      reason: 'broken link',
    });
  });
});
