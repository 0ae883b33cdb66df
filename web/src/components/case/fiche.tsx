import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { CaseView } from '../../../../shared/domain/case.ts';
import {
  DOMAINES,
  type FicheDraft,
  FicheDraftSchema,
  NATURES,
} from '../../../../shared/domain/fiche.schema.ts';
import type { Referentiel } from '../../../../shared/domain/referentiel.ts';
import { ApiError } from '../../api/client.ts';
import { refreshCase, useDocuments } from '../../api/hooks.ts';
import { useEventForm, useSaveFiche } from './commands.ts';
import { useFeedback } from './feedback.tsx';
import { ChoiceGroup, defined, FileField, TextField, textOf } from './fields.tsx';
import { type FieldSpecs, fromProblem, fromZod, useFormErrors } from './form-errors.ts';
import { UploadProgress, uploadFailure, useUpload } from './upload.tsx';
import { byCategory, nameIn } from './words.ts';

const NATURE_LABELS: Readonly<Record<(typeof NATURES)[number], string>> = {
  preventive: 'Préventive',
  crise_averee: 'Crise avérée',
};

const DOMAINE_LABELS: Readonly<Record<(typeof DOMAINES)[number], string>> = {
  gestion_financiere: 'Gestion financière',
  ressources_humaines: 'Ressources humaines',
  ingenierie_de_projet: 'Ingénierie de projet',
  gouvernance: 'Gouvernance',
  autre: 'Autre',
};

/** The fields of the fiche, in the order of the form, as the API's paths name them. */
const FICHE_FIELDS: FieldSpecs = {
  nature: {
    id: 'fiche-nature',
    label: 'Nature de la demande',
    missing: 'La nature de la demande est à choisir.',
  },
  domaines: {
    id: 'fiche-domaines',
    label: 'Domaines concernés',
    missing: 'Au moins un domaine concerné est à cocher.',
  },
  domaineAutre: {
    id: 'fiche-domaineAutre',
    label: "Précisez l'autre domaine",
    missing: "L'autre domaine est à préciser.",
  },
  signesAlerte: {
    id: 'fiche-signesAlerte',
    label: "Signes d'alerte",
    missing: "Les signes d'alerte sont à renseigner.",
  },
  'demandeur.nom': {
    id: 'fiche-demandeur-nom',
    label: 'Nom du demandeur',
    missing: 'Le nom du demandeur est à renseigner.',
  },
  'demandeur.qualite': {
    id: 'fiche-demandeur-qualite',
    label: 'Qualité du demandeur',
    missing: 'La qualité du demandeur est à renseigner.',
  },
  'demandeur.email': {
    id: 'fiche-demandeur-email',
    label: 'Adresse électronique du demandeur',
    missing: "L'adresse électronique du demandeur est à renseigner.",
    invalid: "L'adresse électronique du demandeur n'est pas valide (exemple : nom@exemple.fr).",
  },
  'demandeur.telephone': {
    id: 'fiche-demandeur-telephone',
    label: 'Téléphone du demandeur',
    invalid:
      "Le téléphone du demandeur n'est pas valide (chiffres, espaces, points, tirets, parenthèses ou +).",
  },
  attentes: { id: 'fiche-attentes', label: 'Attentes' },
  partenairesInformes: {
    id: 'fiche-partenairesInformes',
    label: 'Partenaires déjà informés de la difficulté',
  },
};

const SUBMIT_REFUSALS = {
  409: 'La fiche ne peut plus être modifiée : le dossier a changé d’étape entre-temps (transmis, ou retiré). Le dossier vient d’être relu.',
  412: 'La fiche a été modifiée entre-temps (dans un autre onglet ou par une autre personne). Enregistrer de nouveau la remplacera par ce que vous avez saisi ; pour voir l’autre version, rechargez la page.',
};

/** The fiche as the form holds it: the API's schemas refuse empty strings, so empty fields are left out. */
function draftOf(form: FormData): Record<string, unknown> {
  const domaines = form.getAll('domaines');
  const informes = form.getAll('partenairesInformes');
  const demandeur = defined({
    nom: textOf(form, 'demandeur.nom'),
    qualite: textOf(form, 'demandeur.qualite'),
    email: textOf(form, 'demandeur.email'),
    telephone: textOf(form, 'demandeur.telephone'),
  });
  return defined({
    nature: textOf(form, 'nature'),
    domaines: domaines.length > 0 ? domaines : undefined,
    domaineAutre: domaines.includes('autre') ? textOf(form, 'domaineAutre') : undefined,
    signesAlerte: textOf(form, 'signesAlerte'),
    demandeur: Object.keys(demandeur).length > 0 ? demandeur : undefined,
    attentes: textOf(form, 'attentes'),
    partenairesInformes: informes.length > 0 ? informes : undefined,
  });
}

/**
 * The fiche form of the gestionnaire while the case is a draft: save it (`PUT`, with the version
 * it was read at), attach pièces jointes, then transmit it (saved first, then SUBMIT_FICHE). The
 * missing fields the API lists are shown beside each field and in the summary.
 */
export function FicheForm({ item, referentiel }: { item: CaseView; referentiel: Referentiel | undefined }) {
  const fiche = item.fiche;
  const form = useFormErrors();
  const feedback = useFeedback();
  const save = useSaveFiche(item.id);
  const client = useQueryClient();
  const submitFiche = useEventForm(item.id, 'SUBMIT_FICHE', FICHE_FIELDS, {
    form,
    statusMessages: SUBMIT_REFUSALS,
    refusalTitle: 'La fiche ne peut pas encore être transmise',
  });
  const [autre, setAutre] = useState(fiche.domaines?.includes('autre') ?? false);
  const { errors } = form;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (save.isPending || submitFiche.pending) return;
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const transmit = submitter?.value === 'transmettre';
    const draft = draftOf(new FormData(event.currentTarget));
    const parsed = FicheDraftSchema.safeParse(draft);
    if (!parsed.success) {
      form.show(fromZod(parsed.error.issues, FICHE_FIELDS, draft));
      return;
    }
    try {
      await save.mutateAsync({ fiche: parsed.data, version: item.version });
    } catch (error) {
      form.show(fromProblem(error, FICHE_FIELDS, SUBMIT_REFUSALS), 'Le brouillon n’a pas été enregistré');
      if (error instanceof ApiError && [409, 412].includes(error.status)) await refreshCase(client, item.id);
      return;
    }
    if (!transmit) {
      form.reset();
      feedback.announce('Le brouillon est enregistré.');
      return;
    }
    await submitFiche.submit({});
  }

  return (
    <>
      <form id="fiche-form" className="fiche-form" noValidate onSubmit={onSubmit}>
        <ChoiceGroup
          id="fiche-nature"
          name="nature"
          legend="Nature de la demande"
          type="radio"
          choices={NATURES.map((value) => ({ value, label: NATURE_LABELS[value] }))}
          checked={fiche.nature ? [fiche.nature] : []}
          hint="Préventive : des signes d'alerte ; crise avérée : une crise menace le centre."
          error={errors.nature}
        />
        <ChoiceGroup
          id="fiche-domaines"
          name="domaines"
          legend="Domaines concernés"
          type="checkbox"
          choices={DOMAINES.map((value) => ({ value, label: DOMAINE_LABELS[value] }))}
          checked={fiche.domaines}
          hint="Cochez tous ceux qui conviennent."
          error={errors.domaines}
          onChange={(value, checked) => value === 'autre' && setAutre(checked)}
        >
          {autre && (
            <TextField
              id="fiche-domaineAutre"
              name="domaineAutre"
              label="Précisez l'autre domaine"
              defaultValue={fiche.domaineAutre}
              error={errors.domaineAutre}
            />
          )}
        </ChoiceGroup>
        <TextField
          id="fiche-signesAlerte"
          name="signesAlerte"
          label="Signes d'alerte"
          hint="Ce qui inquiète : situation financière, équipe, gouvernance, projet…"
          multiline
          defaultValue={fiche.signesAlerte}
          error={errors.signesAlerte}
        />
        <fieldset className="field group">
          <legend>Le demandeur</legend>
          <TextField
            id="fiche-demandeur-nom"
            name="demandeur.nom"
            label="Nom du demandeur"
            autoComplete="name"
            defaultValue={fiche.demandeur?.nom}
            error={errors['demandeur.nom']}
          />
          <TextField
            id="fiche-demandeur-qualite"
            name="demandeur.qualite"
            label="Qualité du demandeur"
            hint="Par exemple : présidente du conseil d'administration, directeur de la fédération."
            defaultValue={fiche.demandeur?.qualite}
            error={errors['demandeur.qualite']}
          />
          <TextField
            id="fiche-demandeur-email"
            name="demandeur.email"
            label="Adresse électronique du demandeur"
            type="email"
            autoComplete="email"
            defaultValue={fiche.demandeur?.email}
            error={errors['demandeur.email']}
          />
          <TextField
            id="fiche-demandeur-telephone"
            name="demandeur.telephone"
            label="Téléphone du demandeur"
            type="tel"
            autoComplete="tel"
            hint="Facultatif."
            defaultValue={fiche.demandeur?.telephone}
            error={errors['demandeur.telephone']}
          />
        </fieldset>
        <TextField
          id="fiche-attentes"
          name="attentes"
          label="Attentes"
          hint="Facultatif. Ce que le centre attend de la mission."
          multiline
          defaultValue={fiche.attentes}
          error={errors.attentes}
        />
        {referentiel && (
          <ChoiceGroup
            id="fiche-partenairesInformes"
            name="partenairesInformes"
            legend="Partenaires déjà informés de la difficulté"
            type="checkbox"
            hint="Facultatif."
            choices={byCategory(referentiel.partenaires)}
            checked={fiche.partenairesInformes}
            error={errors.partenairesInformes}
          />
        )}
        <div className="form-actions">
          <button type="submit" name="intent" value="enregistrer" className="button secondary">
            Enregistrer le brouillon
          </button>
        </div>
      </form>
      <PiecesJointes caseId={item.id} />
      <div className="transmit">
        <h3>Transmission</h3>
        <p id="transmit-hint" className="hint">
          La fiche est enregistrée puis transmise à la coordination de la Caf, qui l'instruit. Elle ne peut
          plus être modifiée ensuite, sauf si un complément vous est demandé.
        </p>
        <button
          type="submit"
          form="fiche-form"
          name="intent"
          value="transmettre"
          className="button"
          aria-describedby="transmit-hint"
        >
          Transmettre la fiche
        </button>
      </div>
    </>
  );
}

/** The pièces jointes of the draft: those already attached, and one more to upload. */
function PiecesJointes({ caseId }: { caseId: string }) {
  const documents = useDocuments(caseId);
  const { state, upload, busy } = useUpload(caseId, 'piece_jointe');
  const form = useFormErrors();
  const feedback = useFeedback();
  const attached = (documents.data ?? []).filter(
    (d) => d.kind === 'piece_jointe' && d.status === 'available',
  );

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const input = event.currentTarget.elements.namedItem('piece-jointe') as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) {
      form.show([{ key: 'file', field: 'piece-jointe', message: 'Choisissez le fichier à joindre.' }]);
      return;
    }
    try {
      await upload(file);
    } catch (error) {
      form.show(
        [{ key: 'file', field: 'piece-jointe', message: uploadFailure(error) }],
        'La pièce jointe n’a pas été ajoutée',
      );
      return;
    }
    input.value = '';
    form.reset();
    feedback.announce(`La pièce jointe « ${file.name} » est ajoutée.`);
  }

  return (
    <section aria-labelledby="pieces-jointes" className="pieces-jointes">
      <h3 id="pieces-jointes">Pièces jointes</h3>
      {attached.length > 0 ? (
        <ul>
          {attached.map((d) => (
            <li key={d.id}>{d.filename}</li>
          ))}
        </ul>
      ) : (
        <p>Aucune pièce jointe pour l'instant.</p>
      )}
      <form noValidate onSubmit={onSubmit}>
        <FileField id="piece-jointe" label="Pièce jointe à ajouter" error={form.errors.file} />
        <UploadProgress id="piece-jointe-progress" state={state} />
        <button type="submit" className="button secondary">
          Joindre le fichier
        </button>
      </form>
    </section>
  );
}

const MISSING = 'Non renseigné';

/** The fiche, read-only. */
export function FicheView({
  fiche,
  referentiel,
}: {
  fiche: FicheDraft;
  referentiel: Referentiel | undefined;
}) {
  const domaines = (fiche.domaines ?? []).map((d) =>
    d === 'autre' && fiche.domaineAutre ? `Autre : ${fiche.domaineAutre}` : DOMAINE_LABELS[d],
  );
  return (
    <dl className="fiche">
      <div>
        <dt>Nature de la demande</dt>
        <dd>{fiche.nature ? NATURE_LABELS[fiche.nature] : MISSING}</dd>
      </div>
      <div>
        <dt>Domaines concernés</dt>
        <dd>{domaines.length > 0 ? domaines.join(', ') : MISSING}</dd>
      </div>
      <div>
        <dt>Signes d'alerte</dt>
        <dd className="long-text">{fiche.signesAlerte ?? MISSING}</dd>
      </div>
      <div>
        <dt>Nom du demandeur</dt>
        <dd>{fiche.demandeur?.nom ?? MISSING}</dd>
      </div>
      <div>
        <dt>Qualité du demandeur</dt>
        <dd>{fiche.demandeur?.qualite ?? MISSING}</dd>
      </div>
      <div>
        <dt>Adresse électronique du demandeur</dt>
        <dd>{fiche.demandeur?.email ?? MISSING}</dd>
      </div>
      <div>
        <dt>Téléphone du demandeur</dt>
        <dd>{fiche.demandeur?.telephone ?? MISSING}</dd>
      </div>
      <div>
        <dt>Attentes</dt>
        <dd className="long-text">{fiche.attentes ?? MISSING}</dd>
      </div>
      {fiche.partenairesInformes && fiche.partenairesInformes.length > 0 && (
        <div>
          <dt>Partenaires déjà informés de la difficulté</dt>
          <dd>{fiche.partenairesInformes.map((id) => nameIn(referentiel, id)).join(', ')}</dd>
        </div>
      )}
    </dl>
  );
}
