import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonFitsWithin, jsonLengthBound } from '../../src/jira/format/json-length.js';

const exact = (v: unknown) => JSON.stringify(v).length;

test('the bound is never below the JSON length, whatever the characters', () => {
  const cases: unknown[] = [
    '',
    'plain',
    '"quoted" \\ back\\slash',
    '\u0000\u0001\u001f\u007f control',
    '\ud800 lone high, lone low \udc00',
    '😀 pair, é, \u2028\u2029',
    0,
    -1.2345678901234567e-308,
    Number.MAX_VALUE,
    -Number.MIN_VALUE,
    Number.NaN,
    true,
    false,
    null,
    [],
    {},
    [undefined, null, 'x'],
    { a: undefined, b: 1 },
    { '"\u0000key': ['\n'.repeat(50)] },
    { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x'.repeat(1000), marks: [{ type: 'link', attrs: { href: 'https://a.example/?q="' } }] }] }] },
  ];
  for (const v of cases) assert.ok(jsonLengthBound(v) >= exact(v), `bound of ${JSON.stringify(v)?.slice(0, 60)}`);
});

test('values JSON.stringify would turn into something else have no bound', () => {
  assert.equal(jsonLengthBound(new Date(0)), Infinity);
  assert.equal(jsonLengthBound({ at: new Date(0) }), Infinity);
  assert.equal(jsonLengthBound(1n), Infinity);
  assert.equal(jsonLengthBound({ f: () => 1 }), Infinity);
});

test('jsonFitsWithin answers exactly as measuring the JSON does, at and around the length', () => {
  // A seeded walk over random JSON-like values (strings of every kind of code unit, nesting).
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const str = () => Array.from({ length: rnd(40) }, () => String.fromCharCode(rnd(4) === 0 ? rnd(0x10000) : 32 + rnd(90))).join('');
  const value = (depth: number): unknown => {
    const k = rnd(depth > 3 ? 4 : 6);
    if (k === 0) return str();
    if (k === 1) return rnd(1000) / 7;
    if (k === 2) return rnd(2) === 0;
    if (k === 3) return null;
    if (k === 4) return Array.from({ length: rnd(5) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: rnd(5) }, () => [str(), value(depth + 1)]));
  };
  for (let i = 0; i < 500; i++) {
    const v = value(0);
    const n = exact(v);
    assert.ok(jsonLengthBound(v) >= n);
    for (const max of [0, n - 1, n, n + 1, jsonLengthBound(v)]) assert.equal(jsonFitsWithin(v, max), n <= max, `max ${max}, length ${n}`);
  }
});
