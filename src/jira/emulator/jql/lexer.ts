// JQL lexer. Turns the query text into tokens with 1-based line/character positions, and raises
// Jira's own lexical errors (unfinished quoted strings, illegal escapes, reserved and illegal
// characters, out-of-range numbers). Texts follow Atlassian's functional test
// `TestJqlParsing.testJqlParserErrors` (com.atlassian.jira.webtests.ztests.navigator.jql).

import { type Pos, syntaxError } from './errors.js';

export type TokenKind =
  | 'word' // an unquoted string: field name, value, keyword (AND, OR, NOT, IN, IS, EMPTY, ORDER, BY, ...)
  | 'string' // a quoted string ('...' or "..."): never a keyword
  | 'op' // = != < > <= >= ~ !~
  | 'and' // && or &
  | 'or' // || or |
  | 'bang' // ! on its own (NOT)
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Decoded text: escapes resolved, quotes removed. */
  value: string;
  /** The text as written in the query (for words and symbols). */
  raw: string;
  pos: Pos;
}

const VALID_ESCAPES = "The valid escape sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX.";

/** Characters Jira reserves: outside quotes they must be quoted or escaped. */
const RESERVED_CHARS = new Set(['{', '}', '[', ']', '+', '.', ';', '?', '*', '/', '%', '^', '$', '#', '@']);

/** Characters that end an unquoted string (they start another token). */
const STOP_CHARS = new Set(['(', ')', ',', '=', '!', '<', '>', '~', '"', "'", '&', '|']);

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

const MAX_LONG = 9223372036854775807n;
const MIN_LONG = -9223372036854775808n;

function hex4(code: number): string {
  return code.toString(16).padStart(4, '0');
}

function isIllegalChar(code: number): boolean {
  if (code === 0x09 || code === 0x0a || code === 0x0d) return false;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0xfffe || code === 0xffff;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let column = 1;

  const here = (): Pos => ({ line, column });
  const advance = (): string => {
    const c = text[i] ?? '';
    i += 1;
    if (c === '\n') {
      line += 1;
      column = 1;
    } else {
      column += 1;
    }
    return c;
  };

  const illegal = (code: number, pos: Pos): never => {
    throw syntaxError(
      `The character 'U+${hex4(code).toUpperCase()}' on line ${pos.line} at position ${pos.column} must be escaped. Use the escape '\\u${hex4(code)}' instead.`,
      pos,
    );
  };

  /** Reads the escape sequence starting at the backslash under the cursor; returns the decoded character. */
  const readEscape = (): string => {
    const pos = here();
    advance(); // the backslash
    if (i >= text.length) throw syntaxError(`The escape sequence has not been completed. ${VALID_ESCAPES}`, pos);
    const c = advance();
    switch (c) {
      case "'":
      case '"':
      case '\\':
      case ' ':
        return c;
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 'u': {
        let digits = '';
        while (digits.length < 4 && i < text.length) {
          const d = text[i] ?? '';
          if (!/[0-9a-fA-F]/.test(d)) {
            digits += d;
            throw syntaxError(`'\\u${digits}' is an illegal JQL escape sequence. ${VALID_ESCAPES}`, pos);
          }
          digits += advance();
        }
        if (digits.length < 4) throw syntaxError(`'\\u${digits}' is an illegal JQL escape sequence. ${VALID_ESCAPES}`, pos);
        return String.fromCharCode(parseInt(digits, 16));
      }
      default:
        throw syntaxError(`'\\${c}' is an illegal JQL escape sequence. ${VALID_ESCAPES}`, pos);
    }
  };

  while (i < text.length) {
    const c = text[i] ?? '';
    const code = c.charCodeAt(0);
    if (WHITESPACE.has(c)) {
      advance();
      continue;
    }
    const pos = here();
    if (isIllegalChar(code)) illegal(code, pos);

    if (c === '"' || c === "'") {
      const startQuote = i;
      advance();
      let value = '';
      let closed = false;
      while (i < text.length) {
        const d = text[i] ?? '';
        if (d === c) {
          advance();
          closed = true;
          break;
        }
        if (d === '\\') {
          value += readEscape();
          continue;
        }
        if (isIllegalChar(d.charCodeAt(0))) illegal(d.charCodeAt(0), here());
        value += advance();
      }
      if (!closed) {
        const shown = value.replace(/[\r\n]/g, ' ');
        throw syntaxError(
          shown === '' ? 'The quoted string has not been completed.' : `The quoted string '${shown}' has not been completed.`,
          pos,
        );
      }
      tokens.push({ kind: 'string', value, raw: text.slice(startQuote, i), pos });
      continue;
    }

    const two = text.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '!~') {
      advance();
      advance();
      tokens.push({ kind: 'op', value: two, raw: two, pos });
      continue;
    }
    if (two === '&&' || two === '||') {
      advance();
      advance();
      tokens.push({ kind: two === '&&' ? 'and' : 'or', value: two, raw: two, pos });
      continue;
    }
    if (c === '=' || c === '<' || c === '>' || c === '~') {
      advance();
      tokens.push({ kind: 'op', value: c, raw: c, pos });
      continue;
    }
    if (c === '&' || c === '|') {
      advance();
      tokens.push({ kind: c === '&' ? 'and' : 'or', value: c, raw: c, pos });
      continue;
    }
    if (c === '!') {
      advance();
      tokens.push({ kind: 'bang', value: c, raw: c, pos });
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      advance();
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', value: c, raw: c, pos });
      continue;
    }

    // An unquoted string.
    const start = i;
    let value = '';
    while (i < text.length) {
      const d = text[i] ?? '';
      if (WHITESPACE.has(d) || STOP_CHARS.has(d)) break;
      const dpos = here();
      if (RESERVED_CHARS.has(d)) {
        throw syntaxError(
          `The character '${d}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${hex4(d.charCodeAt(0))}' instead.`,
          dpos,
        );
      }
      if (isIllegalChar(d.charCodeAt(0))) illegal(d.charCodeAt(0), dpos);
      if (d === '\\') {
        value += readEscape();
        continue;
      }
      value += advance();
    }
    const raw = text.slice(start, i);
    if (/^-?\d+$/.test(raw)) {
      const n = BigInt(raw);
      if (n > MAX_LONG || n < MIN_LONG) {
        throw syntaxError(
          `'${raw}' is not a valid number. Numbers must be between -9,223,372,036,854,775,808 and 9,223,372,036,854,775,807.`,
          pos,
        );
      }
    }
    tokens.push({ kind: 'word', value, raw, pos });
  }
  tokens.push({ kind: 'eof', value: '', raw: '', pos: here() });
  return tokens;
}
