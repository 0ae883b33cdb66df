import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CaseEventType, CaseView } from '../../../../shared/domain/case.ts';
import type { FicheDraft } from '../../../../shared/domain/fiche.schema.ts';
import { CaseEventBodySchema } from '../../../../workflows/case-events.schema.ts';
import { ApiError, api } from '../../api/client.ts';
import { keys, refreshCase, useSendEvent } from '../../api/hooks.ts';
import { EVENT_LABELS } from '../../labels.ts';
import { useFeedback } from './feedback.tsx';
import { type FieldSpecs, fromProblem, fromZod, useFormErrors } from './form-errors.ts';

/** The commands of the case screen: save the draft fiche, send an event from its form. */

/** What the live region says once an event went through. */
export const DONE: Readonly<Record<CaseEventType, string>> = {
  SUBMIT_FICHE: 'La fiche est transmise.',
  REQUEST_COMPLEMENT: 'La demande de complément est envoyée au demandeur.',
  OPEN_SAISINE: 'La saisine concertée est ouverte.',
  GIVE_AVIS: 'Votre avis est enregistré.',
  ACCEPT: 'La demande est acceptée.',
  REJECT: 'La demande est refusée.',
  SUBMIT_RAPPORT: 'Le rapport est déposé.',
  REQUEST_REVISION: 'La demande de révision est envoyée au prestataire.',
  VALIDATE_RAPPORT: 'Le rapport est validé.',
  RECORD_RESTITUTION: 'La restitution est enregistrée.',
  RECORD_RENCONTRE: 'La rencontre des partenaires est enregistrée.',
  WITHDRAW: 'La demande est retirée.',
};

/** After a change the focus goes to where the case stands, which the change moved. */
export function focusSituation() {
  requestAnimationFrame(() => document.getElementById('situation')?.focus());
}

/** `PUT /cases/{id}/fiche` with `If-Match`: a draft saved over a newer version is refused (412). */
export function useSaveFiche(caseId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ fiche, version }: { fiche: FicheDraft; version: number }) =>
      api<CaseView>(`/cases/${encodeURIComponent(caseId)}/fiche`, {
        method: 'PUT',
        body: fiche,
        headers: { 'if-match': `"${version}"` },
      }),
    onSuccess: async (updated) => {
      client.setQueryData(keys.case(caseId), updated);
      await refreshCase(client, caseId);
    },
  });
}

export type FormErrors = ReturnType<typeof useFormErrors>;

interface EventFormOptions {
  /** The form's errors, when the form also does something else (the fiche is saved first). */
  form?: FormErrors;
  /** What a refusal of this status means for this event, when it names no field. */
  statusMessages?: Readonly<Record<number, string>>;
  /** The summary's title when the API refuses the event. */
  refusalTitle?: string;
}

/**
 * Sends one event from its form: the body is checked with the API's own schema first, a refusal
 * is shown beside the fields and in the summary, a success announced and the case read again.
 */
export function useEventForm(
  caseId: string,
  type: CaseEventType,
  specs: FieldSpecs,
  { form: given, statusMessages, refusalTitle }: EventFormOptions = {},
) {
  const client = useQueryClient();
  const send = useSendEvent(caseId);
  const feedback = useFeedback();
  const own = useFormErrors();
  const form = given ?? own;

  async function submit(body: Record<string, unknown>): Promise<boolean> {
    if (send.isPending) return false;
    const parsed = CaseEventBodySchema.safeParse({ type, ...body });
    if (!parsed.success) {
      form.show(fromZod(parsed.error.issues, specs, body));
      return false;
    }
    try {
      await send.mutateAsync(parsed.data);
    } catch (error) {
      form.show(
        fromProblem(error, specs, statusMessages),
        refusalTitle ?? `« ${EVENT_LABELS[type]} » n’a pas abouti`,
      );
      if (error instanceof ApiError && [404, 409, 412].includes(error.status))
        await refreshCase(client, caseId);
      return false;
    }
    form.reset();
    feedback.announce(DONE[type]);
    focusSituation();
    return true;
  }

  return { errors: form.errors, show: form.show, submit, pending: send.isPending };
}
