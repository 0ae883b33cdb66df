import type { CaseEventBody, EventFacts, InternalEventBody } from '../../workflows/case-events.schema.ts';
import type { CaseRecord } from '../domain/case.ts';
import type { FieldError } from '../domain/errors.ts';
import type { FicheDraft } from '../domain/fiche.schema.ts';
import type { Referentiel } from '../domain/referentiel.ts';
import type { CaseDeps } from './ports.ts';
import type { VisibleCase } from './visible-case.ts';

/**
 * The partenaires consulted when OPEN_SAISINE names none: every funder that is not a commune,
 * plus the commune where the centre stands.
 */
export function defaultPartenaireIds(referentiel: Referentiel, centreId: string): string[] {
  const centre = referentiel.centres.find((c) => c.id === centreId);
  return referentiel.partenaires
    .filter((p) => p.categorie !== 'commune' || p.id === centre?.communePartenaireId)
    .map((p) => p.id);
}

/**
 * The facts an event's guards need, looked up before the transition (the machine does no I/O);
 * a document already read with the case (`found`) is not read again.
 */
export async function factsFor(
  deps: CaseDeps,
  record: CaseRecord,
  body: CaseEventBody | InternalEventBody,
  found?: Pick<VisibleCase, 'extras' | 'document'>,
): Promise<EventFacts> {
  switch (body.type) {
    case 'OPEN_SAISINE': {
      const referentiel = await deps.referentiel(record.tenant);
      return {
        knownPartenaireIds: referentiel.partenaires.map((p) => p.id),
        defaultPartenaireIds: defaultPartenaireIds(referentiel, record.centreId),
      };
    }
    case 'ACCEPT': {
      const referentiel = await deps.referentiel(record.tenant);
      return { knownPrestataireIds: referentiel.prestataires.map((p) => p.id) };
    }
    case 'SUBMIT_RAPPORT': {
      const document =
        found?.extras?.documentId === body.documentId
          ? found.document
          : await deps.documents.getDocument(record.tenant, record.id, body.documentId);
      return document ? { document } : {};
    }
    default:
      return {};
  }
}

/** Partenaire ids of a fiche that the referentiel does not know, as field errors under `path`. */
export function unknownFicheReferences(
  fiche: FicheDraft,
  referentiel: Referentiel,
  path: string,
): FieldError[] {
  const known = new Set(referentiel.partenaires.map((p) => p.id));
  return (fiche.partenairesInformes ?? []).flatMap((id, i) =>
    known.has(id) ? [] : [{ path: `${path}.partenairesInformes.${i}`, message: `Unknown partenaire ${id}` }],
  );
}
