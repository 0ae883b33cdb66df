import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The import rules of biome.json (layers import only downwards; no cycle), tried on probe files
 * laid out as the repository is: each import below must be refused, or let through, as said.
 */
const repoRoot = join(import.meta.dirname, '..', '..');
const biome = join(repoRoot, 'node_modules', '.bin', 'biome');

const PROBES: [file: string, imports: string, refused: boolean][] = [
  ['shared/domain/probe.ts', '../../workflows/case.machine.ts', true],
  ['shared/domain/probe.ts', '../http/problem.ts', true],
  ['shared/domain/probe.ts', '../access/policy.ts', true],
  ['shared/domain/probe.ts', '@aws-sdk/client-dynamodb', true],
  ['shared/domain/probe.ts', './caller.ts', false],
  ['workflows/probe.ts', '../shared/http/problem.ts', true],
  ['workflows/probe.ts', '../shared/store/keys.ts', true],
  ['workflows/probe.ts', '../shared/access/policy.ts', true],
  ['workflows/probe.ts', 'xstate', false],
  ['workflows/probe.ts', '../shared/domain/case.ts', false],
  ['shared/access/probe.ts', '../cases/visible-case.ts', true],
  ['shared/access/probe.ts', '../../workflows/case-workflow.ts', false],
  ['shared/cases/probe.ts', '../http/problem.ts', true],
  ['shared/cases/probe.ts', '../store/case-repository.ts', true],
  ['shared/cases/probe.ts', '@aws-sdk/lib-dynamodb', true],
  ['shared/cases/probe.ts', '../store/s3-document-store.ts', true],
  ['shared/cases/probe.ts', '../config.ts', true],
  ['shared/cases/probe.ts', '../logger.ts', true],
  ['shared/cases/probe.ts', '../domain/document.ts', false],
  ['shared/cases/probe.ts', '../access/policy.ts', false],
  ['shared/users/admin-users.ts', '../store/cognito-directory.ts', true],
  ['shared/access/probe.ts', '../store/s3-document-store.ts', true],
  ['shared/domain/probe.ts', '../store/s3-document-store.ts', true],
  ['workflows/probe.ts', '../shared/config.ts', true],
  ['shared/users/admin-users.ts', '../http/problem.ts', true],
  ['shared/store/probe.ts', '../../functions/api/case-deps.ts', true],
  ['shared/store/probe.ts', '@aws-sdk/lib-dynamodb', false],
  ['shared/http/probe.ts', '../../infra/local/gateway.ts', true],
  ['functions/api/probe.ts', '../../shared/http/api-handler.ts', false],
  ['shared/notify/probe.ts', '../store/mail-repository.ts', true],
  ['shared/notify/probe.ts', '@aws-sdk/client-ses', true],
  ['shared/notify/probe.ts', '../logger.ts', true],
  ['shared/notify/probe.ts', '../mail/templates.ts', false],
  ['web/src/routes/probe.tsx', '../../../shared/store/case-repository.ts', true],
  ['web/src/routes/probe.tsx', '../../../shared/access/policy.ts', true],
  ['web/src/routes/probe.tsx', '@aws-sdk/client-s3', true],
  ['web/src/routes/probe.tsx', '../../../shared/domain/fiche.schema.ts', false],
  ['web/src/routes/probe.tsx', '../../../workflows/case-events.schema.ts', false],
];

function lint(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'renfort-imports-'));
  const config = JSON.parse(readFileSync(join(repoRoot, 'biome.json'), 'utf8'));
  delete config.$schema;
  config.vcs = { enabled: false };
  writeFileSync(join(root, 'biome.json'), JSON.stringify(config));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  const run = spawnSync(biome, ['lint', '--max-diagnostics=200', '.'], { cwd: root, encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}

describe('the import rules (biome.json)', () => {
  it.each(PROBES)('%s importing %s: refused %s', (file, imports, refused) => {
    const output = lint({ [file]: `import * as probe from '${imports}';\n\nexport const used = probe;\n` });
    expect(output.includes('lint/style/noRestrictedImports'), output).toBe(refused);
  });

  it('refuses an import cycle', () => {
    const output = lint({
      'workflows/a.ts': "import { b } from './b.ts';\n\nexport const a = () => b;\n",
      'workflows/b.ts': "import { a } from './a.ts';\n\nexport const b = () => a;\n",
    });
    expect(output).toContain('lint/suspicious/noImportCycles');
  });
});
