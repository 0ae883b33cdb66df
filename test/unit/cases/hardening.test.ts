import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirmUpload, downloadDocument } from '../../../shared/cases/documents.ts';
import type { CaseDeps } from '../../../shared/cases/ports.ts';
import type { DocumentRecord } from '../../../shared/documents/document.ts';
import type { DocumentStore } from '../../../shared/documents/document-store.ts';
import { text } from '../../../shared/domain/text.ts';
import { applyEvent } from '../../../workflows/case-workflow.ts';
import { actors, caller, caseIn, event, rapportDocument, recordOf } from '../workflows/case-fixtures.ts';

describe('free texts', () => {
  it('keep tabs, line breaks and emoji, and refuse other control characters and broken Unicode', () => {
    expect(text().safeParse('Bonjour,\n\tà tous 😀').success).toBe(true);
    for (const bad of ['nul \u0000 byte', 'bell \u0007', 'lone \ud800 half', 'escape \u001b[31m']) {
      expect(text().safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('SUBMIT_RAPPORT', () => {
  it('refuses a rapport already submitted once: a revision needs a new upload', () => {
    const revised = applyEvent(
      caseIn('rapport_a_valider'),
      event({ type: 'REQUEST_REVISION', commentaire: 'Revoir' }, actors.gestionnaire),
    );
    if (!revised.applied) throw new Error('revision refused');
    const again = applyEvent(
      revised.next,
      event({ type: 'SUBMIT_RAPPORT', documentId: 'doc-rapport-1' }, actors.singuliers, {
        facts: { document: rapportDocument('doc-rapport-1') },
      }),
    );
    expect(again).toEqual({
      applied: false,
      violations: [{ path: 'body.documentId', message: expect.stringContaining('already submitted') }],
    });
  });
});

describe('a confirmed document keeps the object version that was checked', () => {
  it('reads the version its own copy made, and signs downloads for that version only', async () => {
    const record = recordOf(caseIn('diagnostic_en_cours'));
    const consultant = caller(actors.singuliers);
    let stored: DocumentRecord = {
      id: 'd-01m8428hzkj8dgt2y2aj56ddcm',
      caseId: record.id,
      kind: 'rapport',
      status: 'pending',
      filename: 'Rapport.pdf',
      contentType: 'application/pdf',
      size: 9,
      key: `centres/cs-tilleuls/cases/${record.id}/documents/d-01m8428hzkj8dgt2y2aj56ddcm`,
      uploaderOrganisationId: 'singuliers-co',
      uploadedBy: consultant.sub,
      createdAt: '2026-03-02T09:00:00.000Z',
    };
    const reads: (string | undefined)[] = [];
    const signed: (string | undefined)[] = [];
    const files: DocumentStore = {
      presignUpload: async () => ({ url: '', fields: {} }),
      copy: async () => ({ versionId: 'v-checked' }),
      head: async (_key, versionId) => ({ size: 9, contentType: 'application/pdf', versionId }),
      read: async (_key, versionId) => {
        reads.push(versionId);
        return Readable.from([Buffer.from('%PDF-1.7\n')]);
      },
      remove: async () => {},
      presignDownload: async ({ versionId }) => {
        signed.push(versionId);
        return 'https://s3.example/signed';
      },
    };
    const deps = {
      cases: {
        get: async () => record,
        getDocument: async () => stored,
        claimDocument: async () => true,
        confirmDocument: async (_tenant: string, document: DocumentRecord) => {
          stored = document;
          return 'confirmed';
        },
        releaseUploadSlot: async () => {},
        putAccessLog: async () => {},
      },
      files,
      now: () => new Date('2026-03-02T10:00:00.000Z'),
    } as unknown as CaseDeps;

    const confirmed = await confirmUpload(deps, consultant, record.id, stored.id);
    await downloadDocument(deps, consultant, record.id, stored.id);

    expect(confirmed.status).toBe('available');
    expect(confirmed).not.toHaveProperty('versionId');
    expect(stored.versionId).toBe('v-checked');
    expect(reads).toEqual(['v-checked']);
    expect(signed).toEqual(['v-checked']);
  });
});
