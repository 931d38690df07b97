// Issue #10 item 0: a plain clone passes its own tests. Nothing the project builds, runs, tests or
// documents points at a file outside the repository (the old reads of the spec folder beside the checkout), and the
// OpenAPI document the emulator's tests validate against is in the tree.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;
const SKIP = new Set(['node_modules', '.git', 'dist', 'spec']);
const TEXT = /\.(ts|mts|mjs|js|json|md|sh|yml|yaml)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    if (SKIP.has(n) || n === 'package-lock.json') return [];
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : TEXT.test(n) ? [p] : [];
  });
}

describe('the repository is self-contained', () => {
  it('no file refers to a path outside the tree (../shared, /work/…)', () => {
    const all = files(ROOT);
    assert.ok(all.length > 100, `only ${all.length} files scanned: the scan is broken`);
    const self = new URL(import.meta.url).pathname;
    const bad: string[] = [];
    for (const f of all) {
      if (f === self) continue;
      const src = readFileSync(f, 'utf8');
      src.split('\n').forEach((line, i) => {
        if (/\.\.\/(\.\.\/)*shared\/|\/work\/shared/.test(line)) bad.push(`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(bad, []);
  });

  it('the OpenAPI document is kept in the repository with its source noted', () => {
    const dir = join(ROOT, 'test/emulator/spec');
    assert.ok(existsSync(join(dir, 'jira-cloud-platform-v3.openapi.json')));
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const doc = JSON.parse(readFileSync(join(dir, 'jira-cloud-platform-v3.openapi.json'), 'utf8')) as { info: { version: string } };
    assert.ok(readme.includes(doc.info.version), 'README names the document version');
    assert.match(readme, /developer\.atlassian\.com/);
  });
});
