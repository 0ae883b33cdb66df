/** The seeded users and the fiche every bench's cases are made of (DESIGN.md §6). */

export const GESTIONNAIRE = 'ca.tilleuls@example.org';
export const COORDINATEUR = 'coordination@caf13.example.org';
export const PARTENAIRE_CAF = 'avs@caf13.example.org';

/** A complete fiche of cs-tilleuls: SUBMIT_FICHE passes. */
export const FICHE = {
  nature: 'preventive',
  domaines: ['gouvernance'],
  signesAlerte: 'Démission du bureau, trésorier absent depuis trois mois.',
  demandeur: { nom: 'Claire Martin', qualite: 'Présidente', email: 'presidence@tilleuls.example.org' },
};
