import { z } from 'zod';
import { refId, text } from './text.ts';

export const NATURES = ['preventive', 'crise_averee'] as const;
export const DOMAINES = [
  'gestion_financiere',
  'ressources_humaines',
  'ingenierie_de_projet',
  'gouvernance',
  'autre',
] as const;

export const DemandeurDraftSchema = z
  .strictObject({
    nom: text().optional(),
    qualite: text().optional(),
    email: z.email().max(320).optional(),
    telephone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 .()-]{6,20}$/, 'Not a telephone number')
      .optional(),
  })
  .meta({ id: 'Demandeur' });

/**
 * The fiche d'information as stored and as `PUT /cases/{id}/fiche` takes it: every field
 * optional while the case is a draft. SUBMIT_FICHE then requires the complete fiche.
 */
export const FicheDraftSchema = z
  .strictObject({
    nature: z.enum(NATURES).optional(),
    domaines: z
      .array(z.enum(DOMAINES))
      .min(1, 'At least one domaine')
      // Checked before the items: a hostile list of 500,000 is refused without reading each one.
      .max(DOMAINES.length, `At most ${DOMAINES.length} domaines`)
      .refine((list) => new Set(list).size === list.length, 'Each domaine at most once')
      .optional(),
    domaineAutre: text().optional(),
    signesAlerte: text().optional(),
    demandeur: DemandeurDraftSchema.optional(),
    attentes: text().optional(),
    partenairesInformes: z
      .array(refId())
      .max(50)
      .refine((list) => new Set(list).size === list.length, 'Each partenaire at most once')
      .optional(),
  })
  .meta({ id: 'Fiche' });

export type FicheDraft = z.infer<typeof FicheDraftSchema>;

/** The fields SUBMIT_FICHE still needs, as paths into the fiche (empty when complete). */
export function missingFicheFields(fiche: FicheDraft): string[] {
  const missing: string[] = [];
  if (!fiche.nature) missing.push('nature');
  if (!fiche.domaines?.length) missing.push('domaines');
  if (fiche.domaines?.includes('autre') && !fiche.domaineAutre) missing.push('domaineAutre');
  if (!fiche.signesAlerte) missing.push('signesAlerte');
  for (const field of ['nom', 'qualite', 'email'] as const) {
    if (!fiche.demandeur?.[field]) missing.push(`demandeur.${field}`);
  }
  return missing;
}
