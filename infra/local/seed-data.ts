import type { Role } from '../../shared/domain/caller.ts';
import type { Referentiel } from '../../shared/domain/referentiel.ts';

/** The seed of DESIGN.md §6. Tests and demos rely on these exact ids and emails. */

export const SEED_TENANT = 'caf13';

export const seedReferentiel: Referentiel = {
  federations: [
    { id: 'fed-ucs13', nom: 'Union des centres sociaux des Bouches-du-Rhône' },
    { id: 'fed-cco', nom: 'CCO' },
    { id: 'fed-leo-lagrange', nom: 'Léo Lagrange Méditerranée' },
    { id: 'fed-fail', nom: 'FAIL' },
    { id: 'fed-ifac', nom: 'IFAC' },
  ],
  partenaires: [
    { id: 'etat', nom: 'État', categorie: 'etat' },
    { id: 'region', nom: 'Région Sud', categorie: 'region' },
    { id: 'departement', nom: 'Département des Bouches-du-Rhône', categorie: 'departement' },
    { id: 'caf13', nom: 'Caf des Bouches-du-Rhône', categorie: 'caf' },
    { id: 'commune-aix-en-provence', nom: 'Aix-en-Provence', categorie: 'commune' },
    { id: 'commune-la-ciotat', nom: 'La Ciotat', categorie: 'commune' },
    { id: 'commune-les-pennes-mirabeau', nom: 'Les Pennes-Mirabeau', categorie: 'commune' },
    { id: 'commune-marseille', nom: 'Marseille', categorie: 'commune' },
    { id: 'commune-miramas', nom: 'Miramas', categorie: 'commune' },
    { id: 'commune-port-de-bouc', nom: 'Port-de-Bouc', categorie: 'commune' },
    { id: 'commune-salon-de-provence', nom: 'Salon-de-Provence', categorie: 'commune' },
    { id: 'commune-septemes-les-vallons', nom: 'Septèmes-les-Vallons', categorie: 'commune' },
    { id: 'commune-vitrolles', nom: 'Vitrolles', categorie: 'commune' },
  ],
  prestataires: [
    { id: 'singuliers-co', nom: 'Cabinet Singuliers & Co' },
    { id: 'cabinet-b', nom: 'Cabinet B' },
  ],
  centres: [
    {
      id: 'cs-tilleuls',
      nom: 'Centre social Les Tilleuls',
      commune: 'Marseille',
      communePartenaireId: 'commune-marseille',
      gestion: 'associative',
    },
    {
      id: 'cs-oliviers',
      nom: 'Centre social Les Oliviers',
      commune: 'Aix-en-Provence',
      communePartenaireId: 'commune-aix-en-provence',
      gestion: 'associative',
    },
    {
      id: 'cs-mistral',
      nom: 'Centre social Mistral',
      commune: 'Vitrolles',
      communePartenaireId: 'commune-vitrolles',
      gestion: 'federation',
      federationId: 'fed-ifac',
    },
    {
      id: 'cs-calanques',
      nom: 'Centre social Les Calanques',
      commune: 'La Ciotat',
      communePartenaireId: 'commune-la-ciotat',
      gestion: 'federation',
      federationId: 'fed-ifac',
    },
  ],
};

export interface SeedUser {
  email: string;
  role: Role;
  organisationId: string;
}

export const seedUsers: SeedUser[] = [
  { email: 'ca.tilleuls@example.org', role: 'gestionnaire', organisationId: 'cs-tilleuls' },
  { email: 'ca.oliviers@example.org', role: 'gestionnaire', organisationId: 'cs-oliviers' },
  { email: 'direction@fed-ifac.example.org', role: 'gestionnaire', organisationId: 'fed-ifac' },
  { email: 'coordination@caf13.example.org', role: 'coordinateur', organisationId: 'caf13-coordination' },
  { email: 'avs@caf13.example.org', role: 'partenaire', organisationId: 'caf13' },
  { email: 'politique-ville@etat.example.org', role: 'partenaire', organisationId: 'etat' },
  { email: 'cohesion@marseille.example.org', role: 'partenaire', organisationId: 'commune-marseille' },
  { email: 'social@vitrolles.example.org', role: 'partenaire', organisationId: 'commune-vitrolles' },
  { email: 'consultant@singuliers.example.org', role: 'prestataire', organisationId: 'singuliers-co' },
  { email: 'consultant@cabinet-b.example.org', role: 'prestataire', organisationId: 'cabinet-b' },
];
