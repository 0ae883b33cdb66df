import { type FormEvent, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client.ts';
import { useMe, useOpenCase, useReferentiel } from '../api/hooks.ts';
import { ErrorSummary, type FieldError } from '../components/error-summary.tsx';
import { Page } from '../components/page.tsx';

const TITLE = 'Nouvelle demande';

/** What the API's refusal means for the person opening the request (its own words follow). */
function errorsOf(error: unknown, field: string | undefined): FieldError[] {
  if (!(error instanceof ApiError)) {
    return [
      {
        message: 'La demande n’a pas pu être ouverte : le service ne répond pas. Réessayez dans un instant.',
      },
    ];
  }
  const detail = error.problem.detail ? ` Détail : ${error.problem.detail}` : '';
  switch (error.status) {
    case 403:
      return [{ field, message: `Vous ne pouvez pas ouvrir de demande pour ce centre.${detail}` }];
    case 422:
      return [{ field, message: `Ce centre n’est pas connu de Renfort.${detail}` }];
    default:
      return [{ message: `La demande n’a pas pu être ouverte (${error.problem.title}).${detail}` }];
  }
}

/**
 * A gestionnaire opens a case for its centre, or for a centre its federation runs, then fills in
 * the fiche on the case's screen.
 */
export function NewRequest() {
  const me = useMe();
  const referentiel = useReferentiel();
  const navigate = useNavigate();
  const open = useOpenCase();
  const [chosen, setChosen] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  // One key per centre asked for: a repeated click for the same centre opens one case, not two.
  const attempt = useRef<{ centreId: string; key: string }>(undefined);

  if (me.isPending || referentiel.isPending) {
    return (
      <Page title={TITLE}>
        <p role="status">Chargement…</p>
      </Page>
    );
  }
  if (me.isError || referentiel.isError) {
    return (
      <Page title={TITLE}>
        <p role="alert">La page n’a pas pu être chargée : {(me.error ?? referentiel.error)?.message}</p>
      </Page>
    );
  }
  if (me.data.role !== 'gestionnaire') {
    return (
      <Page title={TITLE}>
        <p className="notice">
          Cette page est réservée aux gestionnaires des centres sociaux et des fédérations : ce sont eux qui
          ouvrent une demande de soutien technique renforcé.
        </p>
      </Page>
    );
  }

  // The API's rule (mayOpenCaseFor): its own centre, or a centre its federation runs.
  const organisationId = me.data.organisationId;
  const centres = referentiel.data.centres.filter(
    (c) => c.id === organisationId || c.federationId === organisationId,
  );
  if (centres.length === 0) {
    return (
      <Page title={TITLE}>
        <p className="notice">
          Aucun centre social n’est rattaché à votre organisation dans Renfort. Demandez à la coordination de
          la Caf de vérifier votre rattachement.
        </p>
      </Page>
    );
  }
  const only = centres.length === 1 ? centres[0] : undefined;
  const centreId = only?.id ?? chosen;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (open.isPending) return;
    if (!centreId) {
      setErrors([{ field: 'centre', message: 'Choisissez le centre pour lequel ouvrir la demande.' }]);
      return;
    }
    setErrors([]);
    if (attempt.current?.centreId !== centreId) attempt.current = { centreId, key: crypto.randomUUID() };
    open.mutate(
      { centreId, idempotencyKey: attempt.current.key },
      {
        onSuccess: (created) => navigate(`/dossiers/${encodeURIComponent(created.id)}`),
        onError: (error) => setErrors(errorsOf(error, only ? undefined : 'centre')),
      },
    );
  };
  const invalid = errors.some((e) => e.field === 'centre');

  return (
    <Page title={TITLE}>
      <p>
        Ouvrez la demande, puis remplissez la fiche d’information sur la page du dossier : vous pourrez
        l’enregistrer en brouillon avant de la transmettre à la coordination.
      </p>
      <ErrorSummary title="La demande n’a pas pu être ouverte" errors={errors} />
      <form className="new-request" onSubmit={submit} noValidate>
        {only ? (
          <p>
            La demande sera ouverte pour <strong>{only.nom}</strong> ({only.commune}).
          </p>
        ) : (
          <div>
            <label htmlFor="centre">Centre</label>
            <span className="hint" id="centre-hint">
              Les centres pour lesquels vous pouvez ouvrir une demande.
            </span>
            <select
              id="centre"
              value={chosen}
              required
              aria-describedby={invalid ? 'centre-hint centre-error' : 'centre-hint'}
              aria-invalid={invalid || undefined}
              onChange={(event) => setChosen(event.target.value)}
            >
              <option value="">Choisissez un centre</option>
              {centres.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.nom} ({c.commune})
                </option>
              ))}
            </select>
            {invalid && (
              <span className="field-error" id="centre-error">
                {errors.find((e) => e.field === 'centre')?.message}
              </span>
            )}
          </div>
        )}
        <p>
          <button type="submit" className="button" aria-disabled={open.isPending || undefined}>
            Ouvrir la demande
          </button>
        </p>
        <p role="status">{open.isPending ? 'Ouverture de la demande…' : ''}</p>
      </form>
    </Page>
  );
}
