import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ReferentielSchema } from '../shared/domain/referentiel.ts';
import * as z from '../shared/domain/zod.ts';
import { createCognitoDirectory } from '../shared/store/cognito-directory.ts';
import { createDocumentClient } from '../shared/store/dynamo.ts';
import { createMembershipRepository } from '../shared/store/membership-repository.ts';
import { saveReferentiel } from '../shared/store/referentiel-repository.ts';
import { appointFirstCoordinateur, strandedCoordinateurs } from '../shared/users/admin-users.ts';

/**
 * `npm run bootstrap -- --table <TableName> --user-pool <UserPoolId> --email <address>
 * [--tenant caf13] [--referentiel file.json]`, with the AWS credentials of the deployment:
 * writes the tenant's referentiel when given, and appoints its first coordinateur (invited by
 * Cognito). The stack's outputs name the table and the pool. Refused, before anything is
 * written, while the tenant has an enabled coordinateur who can sign in.
 */
const usage =
  'Usage: npm run bootstrap -- --table <TableName> --user-pool <UserPoolId> --email <address> [--tenant caf13] [--referentiel file.json]';
const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    'user-pool': { type: 'string' },
    email: { type: 'string' },
    tenant: { type: 'string', default: 'caf13' },
    referentiel: { type: 'string' },
  },
});
const Args = z.object({
  table: z.string().check(z.minLength(1)),
  'user-pool': z.string().check(z.minLength(1)),
  email: z.email().check(z.maxLength(128), z.toLowerCase()),
  tenant: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,30}$/)),
  referentiel: z.optional(z.string()),
});
const parsed = Args.safeParse(values);
if (!parsed.success) {
  console.error(
    `${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n${usage}`,
  );
  process.exit(2);
}
const args = parsed.data;
// The adapters read their configuration from the environment, as the functions do.
process.env.TABLE_NAME = args.table;
process.env.USER_POOL_ID = args['user-pool'];
process.env.BUCKET_NAME ??= 'unused-by-bootstrap';

const db = createDocumentClient();
const deps = {
  memberships: createMembershipRepository(db, args.table),
  directory: createCognitoDirectory(),
  now: () => new Date(),
};
try {
  // Nothing is written for a tenant that needs no bootstrap (a mistyped --tenant would be a new one).
  const stranded = await strandedCoordinateurs(deps, args.tenant);
  if (args.referentiel) {
    const referentiel = ReferentielSchema.parse(JSON.parse(readFileSync(args.referentiel, 'utf8')));
    await saveReferentiel(db, args.table, args.tenant, referentiel);
    const counts = Object.entries(referentiel).map(([kind, list]) => `${list.length} ${kind}`);
    console.log(`Referentiel of ${args.tenant} written: ${counts.join(', ')}.`);
  }
  const user = await appointFirstCoordinateur(deps, { email: args.email, tenant: args.tenant });
  console.log(
    `${user.email} is the coordinateur of ${args.tenant} (user ${user.userId}); Cognito has sent the invitation.` +
      (stranded.length > 0
        ? ` Disabled, as they could not sign in: ${stranded.map((c) => c.email).join(', ')}.`
        : ''),
  );
} catch (error) {
  console.error(`Bootstrap refused: ${(error as Error).message}`);
  process.exit(1);
}
