import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { caseIn, USERS } from '../helpers/cases.ts';
import { postToStorage, requestUpload, SAMPLE } from '../helpers/documents.ts';

const api = apiClient();
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('confirms that race each other', () => {
  it.each([1, 2, 3])(
    'four simultaneous confirms of each of ten uploads (round %i): each upload is checked once, no 5xx, no 422, every document available',
    async () => {
      const c = await caseIn(api, 'brouillon', 'cs-tilleuls');
      const tickets = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const ticket = await requestUpload(api, USERS.tilleuls, c.id, { kind: 'piece_jointe' });
          expect(ticket.status, ticket.text).toBe(201);
          expect(
            (await postToStorage(ticket.json.upload, SAMPLE.pdf, 'application/pdf')).status,
          ).toBeLessThan(300);
          return ticket.json.document.id as string;
        }),
      );
      const answers = await Promise.all(
        tickets.flatMap((id) =>
          Array.from({ length: 4 }, () =>
            api.call('POST', `/cases/${c.id}/documents/${id}/confirm`, { as: USERS.tilleuls }),
          ),
        ),
      );
      for (const answer of answers) {
        // 200 for the claimant and for any that came after it; 409 for one that asked meanwhile.
        expect([200, 409], answer.text).toContain(answer.status);
        if (answer.status === 409) expect(answer.json.detail).toContain('being confirmed');
      }
      const listed = await api.call('GET', `/cases/${c.id}/documents`, { as: USERS.tilleuls });
      const mine = listed.json.items.filter((d: { id: string }) => tickets.includes(d.id));
      expect(mine.map((d: { status: string; sha256: string }) => [d.status, d.sha256])).toEqual(
        tickets.map(() => ['available', sha256(SAMPLE.pdf)]),
      );
    },
  );

  it('a re-POST of other bytes with the still-valid form, racing a second confirm, never changes what is served', async () => {
    const c = await caseIn(api, 'brouillon', 'cs-tilleuls');
    for (let round = 0; round < 10; round++) {
      const ticket = await requestUpload(api, USERS.tilleuls, c.id, {
        kind: 'piece_jointe',
        contentType: 'text/plain',
        filename: 'notes.txt',
        bytes: SAMPLE.text,
      });
      const id = ticket.json.document.id as string;
      await postToStorage(ticket.json.upload, SAMPLE.text, 'text/plain');
      const confirm = () =>
        api.call('POST', `/cases/${c.id}/documents/${id}/confirm`, { as: USERS.tilleuls });
      const [first] = await Promise.all([
        confirm(),
        postToStorage(ticket.json.upload, SAMPLE.executable, 'text/plain').then(confirm),
      ]);
      const final = await api.call('GET', `/cases/${c.id}/documents/${id}`, { as: USERS.tilleuls });
      if (final.status !== 200) continue; // refused as a whole (the executable was checked): nothing served
      const served = Buffer.from(await (await fetch(final.json.downloadUrl)).arrayBuffer());
      expect(sha256(served), `round ${round}`).toBe(final.json.document.sha256);
      expect(served.subarray(0, 2).toString(), `round ${round}`).not.toBe('MZ');
      expect([200, 409, 422]).toContain(first.status);
    }
  });
});
