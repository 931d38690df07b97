// The service's V8 settings (src/heap-flags.ts): set before any other module of the process runs,
// and known to the V8 of the Node.js that runs the tests (V8 names a flag it does not know on the
// process's output and goes on without it, so a flag dropped by a later Node would be lost quietly).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Everything a Node process printed while running `code` as a module (tsx loads the TypeScript sources). */
function outputOfImport(code: string): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return `${r.stdout}${r.stderr}`;
}

test('src/heap-flags.ts is the first module main.ts imports', () => {
  const imports = readFileSync(`${ROOT}src/main.ts`, 'utf8').split('\n').filter((l) => l.startsWith('import '));
  assert.equal(imports[0], "import './heap-flags.js';");
});

test("the V8 of this Node.js knows the flags src/heap-flags.ts sets (it names a flag it does not know)", () => {
  // The check can fail: a flag V8 does not know is named on the output.
  assert.match(outputOfImport("import { setFlagsFromString } from 'node:v8'; setFlagsFromString('--no-such-v8-flag-for-this-test');"), /unrecognized flag/);
  assert.equal(outputOfImport("await import('./src/heap-flags.ts');"), '');
});
