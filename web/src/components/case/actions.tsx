import type { FormEvent, ReactNode } from 'react';
import { AVIS, type CaseEventType, type CaseView } from '../../../../shared/domain/case.ts';
import type { Referentiel } from '../../../../shared/domain/referentiel.ts';
import type { Me } from '../../api/hooks.ts';
import { EVENT_LABELS } from '../../labels.ts';
import { useEventForm } from './commands.ts';
import { CheckField, ChoiceGroup, FileField, SelectField, TextField, textOf } from './fields.tsx';
import type { FieldSpecs } from './form-errors.ts';
import { UploadProgress, uploadFailure, useUpload } from './upload.tsx';
import { AVIS_LABELS, byCategory } from './words.ts';

/**
 * The actions of the case: exactly the events of its `allowedEvents` (the API decides who may do
 * what, and when), each with its own form. SUBMIT_FICHE is the fiche form's own button.
 */
export function CaseActions({
  item,
  referentiel,
  me,
}: {
  item: CaseView;
  referentiel: Referentiel | undefined;
  me: Me | undefined;
}) {
  const events = item.allowedEvents.filter((type) => type !== 'SUBMIT_FICHE');
  if (events.length === 0) return null;
  return (
    <section aria-labelledby="actions" className="case-section">
      <h2 id="actions">Vos actions</h2>
      {events.map((type) => (
        <ActionForm key={type} type={type} item={item} referentiel={referentiel} me={me} />
      ))}
    </section>
  );
}

interface ActionProps {
  item: CaseView;
  referentiel: Referentiel | undefined;
  me: Me | undefined;
}

function ActionForm({ type, ...props }: ActionProps & { type: CaseEventType }) {
  switch (type) {
    case 'REQUEST_COMPLEMENT':
    case 'REJECT':
    case 'REQUEST_REVISION':
      return <TextAction {...props} type={type} />;
    case 'OPEN_SAISINE':
      return <OpenSaisine {...props} />;
    case 'GIVE_AVIS':
      return <GiveAvis {...props} />;
    case 'ACCEPT':
      return <Accept {...props} />;
    case 'SUBMIT_RAPPORT':
      return <SubmitRapport {...props} />;
    case 'VALIDATE_RAPPORT':
      return <ValidateRapport {...props} />;
    case 'RECORD_RESTITUTION':
      return <RecordRestitution {...props} />;
    case 'RECORD_RENCONTRE':
      return <RecordRencontre {...props} />;
    case 'WITHDRAW':
      return <Withdraw {...props} />;
    default:
      return null;
  }
}

/** One action: its heading, what it does, its fields, and its button named after the event. */
function Action({
  type,
  title,
  intro,
  onSubmit,
  danger = false,
  children,
}: {
  type: CaseEventType;
  title: string;
  intro?: ReactNode;
  onSubmit: (form: HTMLFormElement) => unknown;
  danger?: boolean;
  children?: ReactNode;
}) {
  const id = `action-${type.toLowerCase().replaceAll('_', '-')}`;
  return (
    <section aria-labelledby={id} className="action">
      <h3 id={id}>{title}</h3>
      {intro && <p className="hint">{intro}</p>}
      <form
        noValidate
        onSubmit={(event: FormEvent<HTMLFormElement>) => {
          event.preventDefault();
          void onSubmit(event.currentTarget);
        }}
      >
        {children}
        <div className="form-actions">
          <button type="submit" className={danger ? 'button danger' : 'button'}>
            {EVENT_LABELS[type]}
          </button>
        </div>
      </form>
    </section>
  );
}

const data = (form: HTMLFormElement) => new FormData(form);

const SAISINE_FIELDS: FieldSpecs = {
  partenaireIds: { id: 'saisine-partenaires', label: 'Partenaires à consulter' },
};

function OpenSaisine({ item, referentiel }: ActionProps) {
  const partenaires = byCategory(referentiel?.partenaires ?? []);
  const { errors, submit } = useEventForm(item.id, 'OPEN_SAISINE', SAISINE_FIELDS);
  return (
    <Action
      type="OPEN_SAISINE"
      title="Saisine concertée des partenaires"
      intro="Chaque partenaire consulté reçoit un courriel l'invitant à donner son avis."
      onSubmit={(form) => {
        const ids = data(form).getAll('partenaireIds');
        return submit(ids.length > 0 ? { partenaireIds: ids } : {});
      }}
    >
      <ChoiceGroup
        id="saisine-partenaires"
        name="partenaireIds"
        legend="Partenaires à consulter"
        type="checkbox"
        hint="Ne cochez rien pour la consultation par défaut : tous les partenaires qui ne sont pas des communes, et la commune où se trouve le centre. Sinon, seuls les partenaires cochés sont consultés."
        choices={partenaires}
        error={errors.partenaireIds}
      />
    </Action>
  );
}

const AVIS_FIELDS: FieldSpecs = {
  avis: {
    id: 'avis-avis',
    label: 'Votre avis',
    missing: 'Votre avis est à choisir : favorable, réservé ou défavorable.',
  },
  commentaire: { id: 'avis-commentaire', label: 'Commentaire' },
};

function GiveAvis({ item, me }: ActionProps) {
  const { errors, submit } = useEventForm(item.id, 'GIVE_AVIS', AVIS_FIELDS);
  const mine = item.avis?.find((a) => a.partenaireId === me?.organisationId);
  return (
    <Action
      type="GIVE_AVIS"
      title="Votre avis sur la demande"
      intro={
        mine
          ? `Vous avez donné un avis ${AVIS_LABELS[mine.avis].toLowerCase()} ; un nouvel avis remplace le précédent.`
          : 'Votre avis et votre commentaire ne sont lus que par la coordination et les partenaires consultés.'
      }
      onSubmit={(form) => {
        const values = data(form);
        return submit({ avis: textOf(values, 'avis'), commentaire: textOf(values, 'commentaire') });
      }}
    >
      <ChoiceGroup
        id="avis-avis"
        name="avis"
        legend="Votre avis"
        type="radio"
        choices={AVIS.map((value) => ({ value, label: AVIS_LABELS[value] }))}
        checked={mine ? [mine.avis] : []}
        error={errors.avis}
      />
      <TextField
        id="avis-commentaire"
        name="commentaire"
        label="Commentaire"
        hint="Facultatif."
        multiline
        defaultValue={mine?.commentaire}
        error={errors.commentaire}
      />
    </Action>
  );
}

const ACCEPT_FIELDS: FieldSpecs = {
  prestataireId: {
    id: 'accept-prestataire',
    label: 'Prestataire',
    missing: 'Le prestataire chargé du diagnostic est à choisir.',
  },
  avis: { label: 'Avis', missing: 'Il faut au moins un avis favorable pour accepter la demande.' },
};

function Accept({ item, referentiel }: ActionProps) {
  const { errors, submit } = useEventForm(item.id, 'ACCEPT', ACCEPT_FIELDS);
  return (
    <Action
      type="ACCEPT"
      title="Acceptation de la demande"
      intro="Le prestataire choisi reçoit le dossier et commence le diagnostic flash. Il faut au moins un avis favorable."
      onSubmit={(form) => submit({ prestataireId: textOf(data(form), 'prestataireId') })}
    >
      <SelectField
        id="accept-prestataire"
        name="prestataireId"
        label="Prestataire"
        placeholder="Choisir le prestataire"
        options={(referentiel?.prestataires ?? []).map((p) => ({ value: p.id, label: p.nom }))}
        error={errors.prestataireId}
      />
    </Action>
  );
}

/** The actions whose body is one required text: its key, its field, what the action does. */
const TEXT_ACTIONS = {
  REQUEST_COMPLEMENT: {
    title: 'Complément à demander',
    intro: 'La fiche revient au demandeur, qui la complète et la transmet de nouveau.',
    key: 'message',
    field: {
      id: 'complement-message',
      label: 'Message au demandeur',
      missing: 'Le message au demandeur est à renseigner.',
    },
    hint: 'Ce qui manque ou doit être précisé dans la fiche.',
  },
  REJECT: {
    title: 'Refus de la demande',
    intro: 'Le dossier est clos ; le demandeur et les partenaires consultés en sont informés.',
    key: 'motif',
    field: { id: 'refus-motif', label: 'Motif du refus', missing: 'Le motif du refus est à renseigner.' },
    hint: 'Il est lu par le demandeur et par les partenaires consultés.',
  },
  REQUEST_REVISION: {
    title: 'Révision du rapport',
    intro:
      "Le prestataire reçoit votre demande et dépose un rapport révisé ; le rapport n'est pas transmis aux partenaires.",
    key: 'commentaire',
    field: {
      id: 'revision-commentaire',
      label: 'Ce qui est à revoir dans le rapport',
      missing: 'Ce qui est à revoir dans le rapport est à préciser.',
    },
    hint: undefined,
  },
} as const;

function TextAction({ item, type }: ActionProps & { type: keyof typeof TEXT_ACTIONS }) {
  const { title, intro, key, field, hint } = TEXT_ACTIONS[type];
  const { errors, submit } = useEventForm(item.id, type, { [key]: field });
  return (
    <Action
      type={type}
      title={title}
      intro={intro}
      onSubmit={(form) => submit({ [key]: textOf(data(form), key) })}
    >
      <TextField id={field.id} name={key} label={field.label} hint={hint} multiline error={errors[key]} />
    </Action>
  );
}

const RAPPORT_FIELDS: FieldSpecs = {
  documentId: {
    id: 'rapport-fichier',
    label: 'Fichier du rapport',
    missing: "Le rapport n'a pas pu être déposé : choisissez de nouveau son fichier.",
  },
};

/** The rapport: uploaded (with its progress), checked, then submitted with its document id. */
function SubmitRapport({ item }: ActionProps) {
  const { errors, show, submit } = useEventForm(item.id, 'SUBMIT_RAPPORT', RAPPORT_FIELDS);
  const { state, upload, busy } = useUpload(item.id, 'rapport');
  const fileError = (message: string) =>
    show([{ key: 'documentId', field: 'rapport-fichier', message }], 'Le rapport n’a pas été déposé');

  return (
    <Action
      type="SUBMIT_RAPPORT"
      title="Dépôt du rapport"
      intro="Le rapport est transmis au centre, qui le valide ou demande une révision ; les partenaires ne le reçoivent qu'une fois validé."
      onSubmit={async (form) => {
        if (busy) return;
        const file = chosenFile(form, 'rapport-fichier');
        if (!file) return fileError('Choisissez le fichier du rapport.');
        let documentId: string;
        try {
          documentId = (await upload(file)).id;
        } catch (error) {
          return fileError(uploadFailure(error));
        }
        return submit({ documentId });
      }}
    >
      <FileField id="rapport-fichier" label="Fichier du rapport" error={errors.documentId} />
      <UploadProgress id="rapport-progression" state={state} />
    </Action>
  );
}

const chosenFile = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement | null)?.files?.[0];

/**
 * A compte rendu recorded with the restitution or the rencontre: a text, and a file if one is
 * chosen, uploaded (as a `compte_rendu` document) before the event is sent.
 */
function useCompteRendu(caseId: string, fileId: string, show: ReturnType<typeof useEventForm>['show']) {
  const { state, upload, busy } = useUpload(caseId, 'compte_rendu');
  return {
    busy,
    progress: <UploadProgress id={`${fileId}-progression`} state={state} />,
    /** Uploads the chosen file, if any; false when that failed (the error is shown). */
    async uploaded(form: HTMLFormElement): Promise<boolean> {
      const file = chosenFile(form, fileId);
      if (!file) return true;
      try {
        await upload(file);
        return true;
      } catch (error) {
        show(
          [{ key: 'compteRenduFichier', field: fileId, message: uploadFailure(error) }],
          'Le compte rendu n’a pas été déposé',
        );
        return false;
      }
    },
  };
}

function ValidateRapport({ item }: ActionProps) {
  const fields: FieldSpecs = {
    confirmation: {
      id: 'validation-confirmation',
      label: 'Confirmation',
      missing: 'Cochez la case pour confirmer la validation du rapport.',
    },
  };
  const { errors, show, submit } = useEventForm(item.id, 'VALIDATE_RAPPORT', fields);
  return (
    <Action
      type="VALIDATE_RAPPORT"
      title="Validation du rapport"
      intro="Une fois validé, le rapport est transmis à la coordination de la Caf et aux partenaires consultés ; le prestataire organise ensuite la restitution."
      onSubmit={(form) => {
        if (!data(form).get('confirmation')) {
          return show([
            {
              key: 'confirmation',
              field: 'validation-confirmation',
              message: fields.confirmation?.missing ?? '',
            },
          ]);
        }
        return submit({});
      }}
    >
      <CheckField
        id="validation-confirmation"
        name="confirmation"
        label="J'ai lu le rapport et je le valide : il sera transmis aux partenaires."
        error={errors.confirmation}
      />
    </Action>
  );
}

const dateSpec = (id: string, what: string) => ({
  id,
  label: `Date de ${what}`,
  missing: `La date de ${what} est à renseigner.`,
  invalid: `La date de ${what} n'est pas une date valide.`,
});

const RESTITUTION_FIELDS: FieldSpecs = {
  date: dateSpec('restitution-date', 'la restitution'),
  rencontrePartenaires: { id: 'restitution-rencontre', label: 'Une rencontre des partenaires suit' },
  compteRendu: { id: 'restitution-compte-rendu', label: 'Compte rendu' },
  compteRenduFichier: { id: 'restitution-compte-rendu-fichier', label: 'Fichier du compte rendu' },
};

function RecordRestitution({ item }: ActionProps) {
  const { errors, show, submit } = useEventForm(item.id, 'RECORD_RESTITUTION', RESTITUTION_FIELDS);
  const compteRendu = useCompteRendu(item.id, 'restitution-compte-rendu-fichier', show);
  return (
    <Action
      type="RECORD_RESTITUTION"
      title="Restitution au centre"
      intro="Sans rencontre des partenaires, le dossier est clos ; sinon la coordination organise la rencontre."
      onSubmit={async (form) => {
        const values = data(form);
        if (compteRendu.busy || !(await compteRendu.uploaded(form))) return;
        return submit({
          date: textOf(values, 'date'),
          rencontrePartenaires: values.get('rencontrePartenaires') === 'oui',
          compteRendu: textOf(values, 'compteRendu'),
        });
      }}
    >
      <TextField
        id="restitution-date"
        name="date"
        type="date"
        label="Date de la restitution"
        error={errors.date}
      />
      <CheckField
        id="restitution-rencontre"
        name="rencontrePartenaires"
        label="Une rencontre des partenaires suit"
        error={errors.rencontrePartenaires}
      />
      <TextField
        id="restitution-compte-rendu"
        name="compteRendu"
        label="Compte rendu"
        hint="Facultatif."
        multiline
        error={errors.compteRendu}
      />
      <FileField
        id="restitution-compte-rendu-fichier"
        label="Fichier du compte rendu"
        optional
        error={errors.compteRenduFichier}
      />
      {compteRendu.progress}
    </Action>
  );
}

const RENCONTRE_FIELDS: FieldSpecs = {
  date: dateSpec('rencontre-date', 'la rencontre'),
  compteRendu: { id: 'rencontre-compte-rendu', label: 'Compte rendu' },
  compteRenduFichier: { id: 'rencontre-compte-rendu-fichier', label: 'Fichier du compte rendu' },
};

function RecordRencontre({ item }: ActionProps) {
  const { errors, show, submit } = useEventForm(item.id, 'RECORD_RENCONTRE', RENCONTRE_FIELDS);
  const compteRendu = useCompteRendu(item.id, 'rencontre-compte-rendu-fichier', show);
  return (
    <Action
      type="RECORD_RENCONTRE"
      title="Rencontre des partenaires"
      intro="La rencontre enregistrée, le dossier est clos."
      onSubmit={async (form) => {
        const values = data(form);
        if (compteRendu.busy || !(await compteRendu.uploaded(form))) return;
        return submit({ date: textOf(values, 'date'), compteRendu: textOf(values, 'compteRendu') });
      }}
    >
      <TextField
        id="rencontre-date"
        name="date"
        type="date"
        label="Date de la rencontre"
        error={errors.date}
      />
      <TextField
        id="rencontre-compte-rendu"
        name="compteRendu"
        label="Compte rendu"
        hint="Facultatif."
        multiline
        error={errors.compteRendu}
      />
      <FileField
        id="rencontre-compte-rendu-fichier"
        label="Fichier du compte rendu"
        optional
        error={errors.compteRenduFichier}
      />
      {compteRendu.progress}
    </Action>
  );
}

const WITHDRAW_FIELDS: FieldSpecs = {
  motif: { id: 'retrait-motif', label: 'Motif du retrait' },
  confirmation: {
    id: 'retrait-confirmation',
    label: 'Confirmation',
    missing: 'Cochez la case pour confirmer le retrait de la demande.',
  },
};

function Withdraw({ item }: ActionProps) {
  const { errors, show, submit } = useEventForm(item.id, 'WITHDRAW', WITHDRAW_FIELDS);
  return (
    <Action
      type="WITHDRAW"
      title="Retrait de la demande"
      intro="Le dossier est alors clos définitivement ; les personnes qui le suivent en sont informées."
      danger
      onSubmit={(form) => {
        const values = data(form);
        if (!values.get('confirmation')) {
          return show([
            {
              key: 'confirmation',
              field: 'retrait-confirmation',
              message: WITHDRAW_FIELDS.confirmation?.missing ?? '',
            },
          ]);
        }
        return submit({ motif: textOf(values, 'motif') });
      }}
    >
      <TextField
        id="retrait-motif"
        name="motif"
        label="Motif du retrait"
        hint="Facultatif."
        multiline
        error={errors.motif}
      />
      <CheckField
        id="retrait-confirmation"
        name="confirmation"
        label="Je confirme retirer la demande : le dossier sera clos."
        error={errors.confirmation}
      />
    </Action>
  );
}
