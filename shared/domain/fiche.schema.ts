import { refId, text } from './text.ts';
import * as z from './zod.ts';

export const NATURES = ['preventive', 'crise_averee'] as const;
export const DOMAINES = [
  'gestion_financiere',
  'ressources_humaines',
  'ingenierie_de_projet',
  'gouvernance',
  'autre',
] as const;

export const DemandeurDraftSchema = /* @__PURE__ */ z
  .strictObject({
    nom: z.optional(text()),
    qualite: z.optional(text()),
    email: z.optional(z.email().check(z.maxLength(320))),
    telephone: z.optional(
      z.string().check(z.trim(), z.regex(/^\+?[0-9 .()-]{6,20}$/, 'Not a telephone number')),
    ),
  })
  .register(z.globalRegistry, { id: 'Demandeur' });

/**
 * The fiche d'information as stored and as `PUT /cases/{id}/fiche` takes it: every field
 * optional while the case is a draft. SUBMIT_FICHE then requires the complete fiche.
 */
export const FicheDraftSchema = /* @__PURE__ */ z
  .strictObject({
    nature: z.optional(z.enum(NATURES)),
    domaines: z.optional(
      z.array(z.enum(DOMAINES)).check(
        z.minLength(1, 'At least one domaine'),
        // Checked before the items: a hostile list of 500,000 is refused without reading each one.
        z.maxLength(DOMAINES.length, `At most ${DOMAINES.length} domaines`),
        z.refine((list) => new Set(list).size === list.length, 'Each domaine at most once'),
      ),
    ),
    domaineAutre: z.optional(text()),
    signesAlerte: z.optional(text()),
    demandeur: z.optional(DemandeurDraftSchema),
    attentes: z.optional(text()),
    partenairesInformes: z.optional(
      z.array(refId()).check(
        z.maxLength(50),
        z.refine((list) => new Set(list).size === list.length, 'Each partenaire at most once'),
      ),
    ),
  })
  .register(z.globalRegistry, { id: 'Fiche' });

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
