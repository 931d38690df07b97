import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderApiDoc } from '../../scripts/api-doc.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p: string) => readFileSync(root + p, 'utf8');

test('every direct runtime dependency has docs/decisions/<name>.md', () => {
  const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
  const missing = Object.keys(pkg.dependencies)
    .map((name) => `docs/decisions/${name.replace(/^@/, '').replace(/\//g, '-')}.md`)
    .filter((file) => !existsSync(root + file));
  assert.deepEqual(missing, []);
});

test('docs/configuration.md documents every environment variable that the code reads', () => {
  const doc = read('docs/configuration.md');
  const code = read('src/config.ts');
  const vars = [...code.matchAll(/(?:str|int|bool)\(env, '([A-Z0-9_]+)'/g)].map((m) => m[1]!);
  assert.ok(vars.length >= 15, `found only ${vars.length} variables`);
  for (const v of new Set(vars)) assert.match(doc, new RegExp(`\\| \`${v}\` \\|`), `${v} is not in docs/configuration.md`);
});

test('docs/api.md is generated from the current route table (run `npm run docs:api`)', async () => {
  assert.equal(read('docs/api.md'), await renderApiDoc());
});
