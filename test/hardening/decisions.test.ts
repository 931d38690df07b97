// Table tests of the small decisions behind the hardening (issue 9): JSON depth, cursor checks,
// who may read /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { jsonNestsDeeperThan } from '../../src/http/json-depth.js';
import { createCursorCodec } from '../../src/http/cursor.js';
import { isLoopback, metricsAccess } from '../../src/http/metrics-access.js';

test('jsonNestsDeeperThan: brackets in strings and escapes do not count', () => {
  const rows: Array<[string, number, boolean]> = [
    ['{}', 1, false],
    ['[[]]', 1, true],
    ['[[]]', 2, false],
    ['{"a":[{"b":1}]}', 3, false],
    ['{"a":[{"b":1}]}', 2, true],
    ['"[[[[[[["', 1, false],
    ['["\\"[[[[["]', 1, false],
    ['["\\\\",[[1]]]', 2, true],
    ['[1],[2],[3]', 1, false],
    ['[' .repeat(100000), 64, true],
    ['1', 0, false],
  ];
  for (const [text, max, expected] of rows) assert.equal(jsonNestsDeeperThan(text, max), expected, `${text.slice(0, 30)} / ${max}`);
});

test('cursor codec: round trip, and every change refused', () => {
  const codec = createCursorCodec(randomBytes(32));
  const other = createCursorCodec(randomBytes(32));
  const c = codec.encode({ createdAt: 1_700_000_000_000, id: 'alr_abc123' });
  assert.deepEqual(codec.decode(c), { createdAt: 1_700_000_000_000, id: 'alr_abc123' });
  const refused = [other.encode({ createdAt: 1, id: 'alr_x' }), c.slice(0, -1), c + 'A', c.replace('.', ''), '', '.', 'a.b', c.split('.')[0]!];
  for (const bad of refused) assert.throws(() => codec.decode(bad), (e: Error & { code?: string }) => e.code === 'invalid_cursor', bad);
  // A value that only a broken signer could produce is still checked.
  for (const pos of [{ createdAt: 1.5, id: 'x' }, { createdAt: 1e308, id: 'x' }, { createdAt: -1, id: 'x' }, { createdAt: 1, id: 'a\u0000' }, { createdAt: 1, id: '' }]) {
    assert.throws(() => codec.decode(codec.encode(pos)), (e: Error & { code?: string }) => e.code === 'invalid_cursor', JSON.stringify(pos));
  }
});

test('metrics access: loopback only without a token; the token from anywhere with one', () => {
  const TOKEN = 'metrics-token-0123456789abcdef';
  const rows: Array<[string | undefined, string | undefined, string | null, string]> = [
    ['127.0.0.1', undefined, null, 'allow'],
    ['127.8.9.10', undefined, null, 'allow'],
    ['::1', undefined, null, 'allow'],
    ['::ffff:127.0.0.1', undefined, null, 'allow'],
    ['10.0.0.5', undefined, null, 'loopback_only'],
    ['192.0.2.1', `Bearer ${TOKEN}`, null, 'loopback_only'],
    ['2001:db8::1', undefined, null, 'loopback_only'],
    [undefined, undefined, null, 'loopback_only'],
    ['192.0.2.1', `Bearer ${TOKEN}`, TOKEN, 'allow'],
    ['127.0.0.1', undefined, TOKEN, 'token_required'],
    ['127.0.0.1', `Bearer ${TOKEN}x`, TOKEN, 'token_required'],
    ['127.0.0.1', `Basic ${TOKEN}`, TOKEN, 'token_required'],
  ];
  for (const [remoteAddress, authorization, token, expected] of rows) {
    assert.equal(metricsAccess({ remoteAddress, authorization }, token), expected, `${remoteAddress} ${authorization} ${token}`);
  }
  assert.equal(isLoopback('not an ip'), false);
});
