import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * zod is imported through shared/domain/zod.ts only: it installs the English messages and the
 * compiled object parser (mini's own overflows the stack on a body of 130,000 bad items: a 500).
 */
const repoRoot = join(import.meta.dirname, '..', '..', '..');
const SOURCES = ['shared', 'workflows', 'functions', 'infra', 'web/src'];
const ZOD_IMPORT = /from\s+['"]zod(\/[^'"]*)?['"]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('zod', () => {
  it('is imported by shared/domain/zod.ts alone', () => {
    const importers = SOURCES.flatMap((dir) => sourceFiles(join(repoRoot, dir)))
      .filter((file) => ZOD_IMPORT.test(readFileSync(file, 'utf8')))
      .map((file) => relative(repoRoot, file));
    expect(importers).toEqual(['shared/domain/zod.ts']);
  });
});
