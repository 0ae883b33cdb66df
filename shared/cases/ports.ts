import type { DocumentStore } from '../documents/document-store.ts';
import type { Referentiel } from '../domain/referentiel.ts';
import type { CaseRepository } from '../store/case-repository.ts';

/** What the case use cases need from the outside, passed in (adapters in production, fakes in tests). */
export interface CaseDeps {
  cases: CaseRepository;
  referentiel: (tenant: string) => Promise<Referentiel>;
  now: () => Date;
  newCaseId: () => string;
  newDocumentId: () => string;
  files: DocumentStore;
  cursorSecret: string;
}
