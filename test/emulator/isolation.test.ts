// The emulator is a product part built from Atlassian's contract: it imports nothing from the
// service's code (src/ outside src/jira/emulator/) and no package beyond Node's own modules and
// Ajv (a dependency of the project; the emulator validates ADF bodies with it).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = new URL('../../src/jira/emulator/', import.meta.url).pathname;
const ALLOWED_PACKAGES = new Set(['ajv']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('emulator isolation', () => {
  it('imports only its own modules, node: builtins and ajv', () => {
    const problems: string[] = [];
    let seen = 0;
    for (const f of files(ROOT)) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = (m[1] ?? m[2]) as string;
        seen++;
        if (spec.startsWith('node:')) continue;
        if (spec.startsWith('.')) {
          const target = resolve(dirname(f), spec);
          if (relative(ROOT, target).startsWith('..')) problems.push(`${relative(ROOT, f)} imports ${spec}`);
          continue;
        }
        if (ALLOWED_PACKAGES.has(spec)) continue;
        problems.push(`${relative(ROOT, f)} imports package ${spec}`);
      }
    }
    assert.ok(seen > 50, `only ${seen} imports found: the scan is broken`);
    assert.deepEqual(problems, []);
  });
});
