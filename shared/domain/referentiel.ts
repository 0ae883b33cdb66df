import * as z from './zod.ts';

/** Reference data of the dispositif: who the centres, federations, funders and consultant firms are. */

export const FederationSchema = /* @__PURE__ */ z
  .object({ id: z.string(), nom: z.string() })
  .register(z.globalRegistry, { id: 'Federation' });

export const PartenaireSchema = /* @__PURE__ */ z
  .object({
    id: z.string(),
    nom: z.string(),
    categorie: z.enum(['etat', 'region', 'departement', 'caf', 'commune']),
  })
  .register(z.globalRegistry, { id: 'Partenaire' });

export const PrestataireSchema = /* @__PURE__ */ z
  .object({ id: z.string(), nom: z.string() })
  .register(z.globalRegistry, { id: 'Prestataire' });

export const CentreSchema = /* @__PURE__ */ z
  .object({
    id: z.string(),
    nom: z.string(),
    commune: z.string(),
    /** The partenaire id of the commune where the centre stands (consulted by default). */
    communePartenaireId: z.string(),
    gestion: z.enum(['associative', 'federation']),
    federationId: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'Centre' });

export const ReferentielSchema = /* @__PURE__ */ z
  .object({
    centres: z.array(CentreSchema),
    federations: z.array(FederationSchema),
    partenaires: z.array(PartenaireSchema),
    prestataires: z.array(PrestataireSchema),
  })
  .register(z.globalRegistry, { id: 'Referentiel' });

export type Federation = z.infer<typeof FederationSchema>;
export type Partenaire = z.infer<typeof PartenaireSchema>;
export type Prestataire = z.infer<typeof PrestataireSchema>;
export type Centre = z.infer<typeof CentreSchema>;
export type Referentiel = z.infer<typeof ReferentielSchema>;

export type ReferentielKind = keyof Referentiel;
