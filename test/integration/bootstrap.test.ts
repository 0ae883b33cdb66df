import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { LOCAL_TABLE } from '../../infra/local/stack.ts';
import { apiClient } from '../helpers/api.ts';

const api = apiClient();
const repoRoot = join(import.meta.dirname, '..', '..');
const tenant = `caf${Date.now() % 100_000}`;
const email = `coordination-${tenant}@example.org`;

/** `npm run bootstrap` as an operator runs it after a deployment, here against the emulators. */
function bootstrap(...args: string[]) {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'infra/bootstrap.ts'),
      '--table',
      LOCAL_TABLE,
      '--user-pool',
      inject('identity').userPoolId,
      ...args,
    ],
    { cwd: repoRoot, env: { ...process.env, ...inject('env') }, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('npm run bootstrap: the referentiel and the first coordinateur of a new tenant', () => {
  it('appoints the first coordinateur once, who then administers its own tenant only', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'renfort-bootstrap-')), 'referentiel.json');
    writeFileSync(
      file,
      JSON.stringify({
        centres: [],
        federations: [],
        partenaires: [{ id: 'departement-84', nom: 'Département de Vaucluse', categorie: 'departement' }],
        prestataires: [],
      }),
    );
    const first = bootstrap('--email', email, '--tenant', tenant, '--referentiel', file);
    expect(first.status, first.out).toBe(0);
    expect(first.out).toContain(`${email} is the coordinateur of ${tenant}`);

    // The coordinateur can sign in: a second bootstrap is refused, and writes nothing.
    const other = join(mkdtempSync(join(tmpdir(), 'renfort-bootstrap-')), 'referentiel.json');
    writeFileSync(
      other,
      JSON.stringify({
        centres: [],
        federations: [],
        partenaires: [],
        prestataires: [{ id: 'intrus', nom: 'Intrus' }],
      }),
    );
    const again = bootstrap('--email', `autre-${email}`, '--tenant', tenant, '--referentiel', other);
    expect(again.status, again.out).toBe(1);
    expect(again.out).toContain(`has a coordinateur who can sign in (${email})`);
    const referentiel = await api.call('GET', '/referentiel', { as: email });
    expect(referentiel.json.prestataires).toEqual([]);

    const me = await api.call('GET', '/me', { as: email });
    expect(me.json).toMatchObject({ role: 'coordinateur', organisationId: `${tenant}-coordination` });
    const users = await api.call('GET', '/admin/users', { as: email });
    expect(users.json.items.map((u: { email: string }) => u.email)).toEqual([email]);
    const invited = await api.call('POST', '/admin/users', {
      as: email,
      body: { email: `dept-${tenant}@example.org`, role: 'partenaire', organisationId: 'departement-84' },
    });
    expect(invited.status, invited.text).toBe(201);
    // caf13's organisations are not this tenant's.
    const foreign = await api.call('POST', '/admin/users', {
      as: email,
      body: { email: `etat-${tenant}@example.org`, role: 'partenaire', organisationId: 'etat' },
    });
    expect(foreign.status).toBe(422);
  });

  it('names what is missing in one line and exits 2', () => {
    const run = bootstrap('--tenant', tenant);
    expect(run.status).toBe(2);
    expect(run.out).toContain('--email');
    expect(run.out).toContain('Usage: npm run bootstrap');
  });
});
