// Scrubbing credentials out of foreign error texts (src/jira/client/scrub.ts): table tests.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { boundForeignMessages, boundForeignText, credentialScrubber, MAX_FOREIGN_TEXT } from '../../src/jira/client/scrub.js';

const EMAIL = 'bot@example.com';
const TOKEN = 'ATATT3xFfGF0/k+Lq=Zz9_secretTOKENvalue42';
const scrub = credentialScrubber(EMAIL, TOKEN);
const basic = Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64');
const tokenB64 = Buffer.from(TOKEN).toString('base64');
const tokenB64Shifted = Buffer.from(`x${TOKEN}`).toString('base64').slice(4);
const urlToken = encodeURIComponent(TOKEN);

describe('credentialScrubber', () => {
  const cases: [string, string, string][] = [
    ['no secret: unchanged', 'Jira answered 400: project: valid project is required', 'Jira answered 400: project: valid project is required'],
    ['the whole token', `bad token ${TOKEN}!`, 'bad token [redacted]!'],
    ['a run of 8 characters of the token', `got ${TOKEN.slice(5, 13)} here`, 'got [redacted] here'],
    ['a run of 7 characters stays (too short to say anything)', `got ${TOKEN.slice(5, 12)} here`, `got ${TOKEN.slice(5, 12)} here`],
    ['a longer middle piece', `x${TOKEN.slice(3, 30)}y`, 'x[redacted]y'],
    ['two pieces', `${TOKEN.slice(0, 9)} and ${TOKEN.slice(20, 30)}`, '[redacted] and [redacted]'],
    ['the Authorization header', `header was Basic ${basic}`, 'header was Basic [redacted]'],
    ['a piece of the Authorization header', `…${basic.slice(10, 22)}…`, '…[redacted]…'],
    ['base64 of the token alone', `t=${tokenB64}`, 't=[redacted]'],
    ['base64 of the token at another alignment', `t=${tokenB64Shifted.slice(0, 12)}`, 't=[redacted]'],
    ['URL-encoded token', `url ?token=${urlToken}&x=1`, 'url ?token=[redacted]&x=1'],
    ['a piece of the URL-encoded token', `?t=${urlToken.slice(8, 24)}`, '?t=[redacted]'],
    ['URL-encoded with lower-case hex', `?t=${urlToken.replace(/%2F/g, '%2f').slice(8, 24)}`, '?t=[redacted]'],
    ['URL-encoded Authorization header', `a=${encodeURIComponent(`Basic ${basic}`).slice(20, 40)}`, 'a=[redacted]'],
    ['base64url of the header', `${basic.replace(/\+/g, '-').replace(/\//g, '_').slice(4, 16)}`, '[redacted]'],
    ['empty text', '', ''],
  ];
  for (const [name, input, expected] of cases) test(name, () => assert.equal(scrub(input), expected));

  test('a short token (6–7 characters) is still removed as a whole', () => {
    assert.equal(credentialScrubber(EMAIL, 'abc123')('token abc123 refused'), 'token [redacted] refused');
  });
  test('the e-mail address alone is not a secret', () => {
    assert.equal(scrub(`user ${EMAIL} has no permission`), `user ${EMAIL} has no permission`);
  });
});

describe('bounds', () => {
  test('a long text is cut to MAX_FOREIGN_TEXT characters', () => {
    const t = boundForeignText('x'.repeat(50_000));
    assert.equal(t.length, MAX_FOREIGN_TEXT);
    assert.ok(t.endsWith('…'));
    assert.equal(boundForeignText('short'), 'short');
  });
  test('messages are kept while their total stays within the bound', () => {
    const kept = boundForeignMessages(Array.from({ length: 20 }, () => 'm'.repeat(400)));
    assert.equal(kept.length, 3);
    assert.ok(kept.join('').length <= MAX_FOREIGN_TEXT);
    assert.deepEqual(boundForeignMessages(['a', 'b']), ['a', 'b']);
  });
});
