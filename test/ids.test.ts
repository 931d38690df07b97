// Identifiers: prefixed, time-ordered (sortable as text by creation time), with 64 random bits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '../src/ids.js';

test('newId: prefix, time in base 36, 16 hex digits of randomness; unique; ordered by time as text', () => {
  const id = newId('alr', 1_764_000_000_000);
  assert.match(id, /^alr_[0-9a-z]{9}[0-9a-f]{16}$/);
  assert.equal(id.slice(4, 13), (1_764_000_000_000).toString(36).padStart(9, '0'));
  // Enough ids to draw the random pool many times over: none repeats.
  const ids = new Set(Array.from({ length: 20_000 }, () => newId('job', 1_764_000_000_000)));
  assert.equal(ids.size, 20_000);
  const earlier = newId('job', 1_764_000_000_000);
  const later = newId('job', 1_764_000_000_001);
  assert.ok(earlier < later, `${earlier} < ${later}`);
});
