/**
 * The listing entries (`VIEW#<viewer>`, one per viewer of a case) a change writes and deletes.
 * An entry carries the case's status for the by-status index: when the status changes, every
 * viewer's entry is written again; otherwise only a new viewer's. A viewer who no longer sees the
 * case loses its entry. A new case has no status before: all its viewers' entries are written.
 */
export function listingEntryChanges({
  viewersBefore,
  viewersAfter,
  statusBefore,
  statusAfter,
}: {
  viewersBefore: readonly string[];
  viewersAfter: readonly string[];
  statusBefore?: string;
  statusAfter: string;
}): { put: string[]; remove: string[] } {
  return {
    put:
      statusBefore === statusAfter
        ? viewersAfter.filter((v) => !viewersBefore.includes(v))
        : [...viewersAfter],
    remove: viewersBefore.filter((v) => !viewersAfter.includes(v)),
  };
}
