// Recursive-descent JQL parser. Grammar (keywords case-insensitive, as in Jira):
//
//   query    := [ orClause ] [ ORDER BY sortKey { "," sortKey } ] EOF
//   orClause := andClause { (OR | "||" | "|") andClause }
//   andClause:= notClause { (AND | "&&" | "&") notClause }         -- AND binds tighter than OR
//   notClause:= (NOT | "!") notClause | "(" orClause ")" | terminal
//   terminal := field operator operand
//   operator := = | != | < | > | <= | >= | ~ | !~ | IN | NOT IN | IS | IS NOT
//   operand  := EMPTY | NULL | value | function | "(" operand { "," operand } ")"
//   function := name "(" [ arg { "," arg } ] ")"
//   sortKey  := field [ ASC | DESC ]
//
// Error texts are Jira's (Atlassian functional test TestJqlParsing.testJqlParserErrors).

import type { ClauseOf, Operand, Operator, RawQuery, RawSortKey, RawTerminal } from './ast.js';
import { JqlError, syntaxError, syntaxErrorAtEnd } from './errors.js';
import { type Token, tokenize } from './lexer.js';

const VALID_OPERATORS = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

/** Words with a meaning in the grammar: they cannot be used unquoted as a field name or a value. */
const KEYWORDS = new Set(['and', 'or', 'not', 'empty', 'null', 'order', 'by', 'asc', 'desc', 'in', 'is', 'was', 'changed']);

/**
 * Jira's reserved JQL words (JqlStringSupportImpl, as listed in Atlassian's TestJqlParsing): unquoted they
 * fail with "'x' is a reserved JQL word. You must surround it in quotation marks to use it in a query."
 */
const RESERVED_WORDS = new Set(
  (
    'abort access add alias all alter any as audit avg begin between boolean break byte catch char character check ' +
    'checkpoint collate collation column commit connect continue count create current date decimal declare decrement ' +
    'default defaults define delete delimiter difference distinct divide do double drop else encoding end equals escape ' +
    'exclusive exec execute exists explain false fetch file field first float for function go goto grant greater group ' +
    'having identified if immediate increment index initial inner inout input insert int integer intersect intersection ' +
    'into isempty isnull join last left less like limit lock long max min minus mode modify modulo more multiply next ' +
    'noaudit notin nowait number object of option outer output power previous prior privileges public raise raw remainder ' +
    'rename resource return returns revoke right row rowid rownum rows select session set share size sqrt start strict ' +
    'string subtract sum synonym table then trans transaction trigger true uid union unique update user validate values ' +
    'view when whenever where while with'
  ).split(' '),
);

function show(t: Token): string {
  return t.kind === 'string' ? t.value : t.raw;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    const t = this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
    if (!t) throw new Error('JQL parser: no tokens');
    return t;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index += 1;
    return t;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'word' && t.value.toLowerCase() === word;
  }

  private isAnd(t: Token): boolean {
    return t.kind === 'and' || this.isWord(t, 'and');
  }

  private isOr(t: Token): boolean {
    return t.kind === 'or' || this.isWord(t, 'or');
  }

  private checkReserved(t: Token): void {
    if (t.kind === 'word' && RESERVED_WORDS.has(t.value.toLowerCase())) {
      throw syntaxError(
        `'${t.raw}' is a reserved JQL word. You must surround it in quotation marks to use it in a query.`,
        t.pos,
      );
    }
  }

  parseQuery(): RawQuery {
    let where: ClauseOf<RawTerminal> | null = null;
    const first = this.peek();
    if (first.kind !== 'eof' && !this.isWord(first, 'order')) {
      where = this.parseOr();
    }
    let orderBy: RawSortKey[] | null = null;
    const t = this.peek();
    if (this.isWord(t, 'order')) {
      this.next();
      orderBy = this.parseOrderBy();
    } else if (t.kind !== 'eof') {
      throw syntaxError(`Expecting either 'OR' or 'AND' but got '${show(t)}'.`, t.pos);
    }
    return { where, orderBy };
  }

  private parseOr(): ClauseOf<RawTerminal> {
    const clauses = [this.parseAnd()];
    while (this.isOr(this.peek())) {
      this.next();
      clauses.push(this.parseAnd());
    }
    return clauses.length === 1 && clauses[0] ? clauses[0] : { kind: 'or', clauses };
  }

  private parseAnd(): ClauseOf<RawTerminal> {
    const clauses = [this.parseNot()];
    while (this.isAnd(this.peek())) {
      this.next();
      clauses.push(this.parseNot());
    }
    return clauses.length === 1 && clauses[0] ? clauses[0] : { kind: 'and', clauses };
  }

  private parseNot(): ClauseOf<RawTerminal> {
    const t = this.peek();
    if (t.kind === 'bang' || this.isWord(t, 'not')) {
      this.next();
      return { kind: 'not', clause: this.parseNot() };
    }
    if (t.kind === 'lparen') {
      this.next();
      const inner = this.parseOr();
      const close = this.next();
      if (close.kind === 'eof') throw syntaxErrorAtEnd("Expecting ')' before the end of the query.");
      if (close.kind !== 'rparen') throw syntaxError(`Expecting ')' but got '${show(close)}'.`, close.pos);
      return inner;
    }
    return this.parseTerminal();
  }

  private parseFieldName(): Token {
    const t = this.next();
    if (t.kind === 'eof') throw syntaxErrorAtEnd('Expecting a field name at the end of the query.');
    if (t.kind === 'string') {
      if (t.value === '') throw syntaxError('A field name cannot be empty.', t.pos);
      return t;
    }
    if (t.kind === 'word' && !KEYWORDS.has(t.value.toLowerCase())) {
      this.checkReserved(t);
      return t;
    }
    throw syntaxError(
      `Expecting a field name but got '${show(t)}'. You must surround '${show(t)}' in quotation marks to use it as a field name.`,
      t.pos,
    );
  }

  private parseTerminal(): RawTerminal {
    const field = this.parseFieldName();
    const operator = this.parseOperator(field.value);
    const operand = this.parseOperand();
    return { kind: 'terminal', field: field.value, fieldPos: field.pos, operator, operand };
  }

  private parseOperator(field: string): Operator {
    const t = this.next();
    if (t.kind === 'eof') throw syntaxErrorAtEnd(`Expecting operator before the end of the query. ${VALID_OPERATORS}`);
    if (t.kind === 'op') return t.value as Operator;
    if (this.isWord(t, 'in')) return 'in';
    if (this.isWord(t, 'not')) {
      const n = this.next();
      if (n.kind === 'eof') throw syntaxErrorAtEnd("Expecting 'IN' before the end of the query.");
      if (!this.isWord(n, 'in')) throw syntaxError(`Expecting 'IN' but got '${show(n)}'.`, n.pos);
      return 'not in';
    }
    if (this.isWord(t, 'is')) {
      const n = this.peek();
      if (n.kind === 'bang') throw syntaxError(`Expecting 'NOT' but got '${show(n)}'.`, n.pos);
      if (this.isWord(n, 'not')) {
        this.next();
        return 'is not';
      }
      return 'is';
    }
    if (this.isWord(t, 'was') || this.isWord(t, 'changed')) {
      // History searches (WAS, CHANGED) are not emulated: answered as Jira answers an unsupported operator.
      throw new JqlError(`The operator '${t.value.toLowerCase()}' is not supported by the '${field}' field.`);
    }
    throw syntaxError(`Expecting operator but got '${show(t)}'. ${VALID_OPERATORS}`, t.pos);
  }

  private parseOperand(): Operand {
    const t = this.next();
    if (t.kind === 'eof') throw syntaxErrorAtEnd('Expecting either a value, list or function before the end of the query.');
    if (t.kind === 'lparen') {
      const items: Operand[] = [this.parseOperand()];
      for (;;) {
        const n = this.next();
        if (n.kind === 'comma') {
          items.push(this.parseOperand());
          continue;
        }
        if (n.kind === 'rparen') break;
        if (n.kind === 'eof') throw syntaxErrorAtEnd("Expecting ')' before the end of the query.");
        throw syntaxError(`Expecting ')' but got '${show(n)}'.`, n.pos);
      }
      return { kind: 'list', items, pos: t.pos };
    }
    const isValueWord = t.kind === 'word' && !KEYWORDS.has(t.value.toLowerCase());
    if (t.kind === 'word' && (this.isWord(t, 'empty') || this.isWord(t, 'null'))) return { kind: 'empty', pos: t.pos };
    if (isValueWord || t.kind === 'string') {
      if (this.peek().kind === 'lparen') return this.parseFunction(t);
      this.checkReserved(t);
      return { kind: 'value', text: t.value, quoted: t.kind === 'string', pos: t.pos };
    }
    throw syntaxError(
      `Expecting either a value, list or function but got '${show(t)}'. You must surround '${show(t)}' in quotation marks to use it as a value.`,
      t.pos,
    );
  }

  private parseFunction(name: Token): Operand {
    if (name.value === '') throw syntaxError('A function name cannot be empty.', name.pos);
    this.next(); // (
    const args: string[] = [];
    const first = this.next();
    if (first.kind === 'rparen') return { kind: 'function', name: name.value, args, pos: name.pos };
    if (first.kind === 'eof') throw syntaxErrorAtEnd("Expecting ')' before the end of the query.");
    if (first.kind === 'comma') throw syntaxError(`Expecting ')' but got '${show(first)}'.`, first.pos);
    let arg = first;
    for (;;) {
      if (arg.kind !== 'word' && arg.kind !== 'string') {
        throw syntaxError(
          `Expecting a function argument but got '${show(arg)}'. You must surround '${show(arg)}' in quotation marks to use it as an argument.`,
          arg.pos,
        );
      }
      args.push(arg.value);
      const n = this.next();
      if (n.kind === 'rparen') break;
      if (n.kind === 'eof') throw syntaxErrorAtEnd("Expecting ')' before the end of the query.");
      if (n.kind !== 'comma') throw syntaxError(`Expecting ')' or ',' but got '${show(n)}'.`, n.pos);
      arg = this.next();
      if (arg.kind === 'eof') throw syntaxErrorAtEnd('Expecting a function argument at the end of the query.');
      if (arg.kind === 'rparen') throw syntaxError('Function argument must be specified.', arg.pos);
    }
    return { kind: 'function', name: name.value, args, pos: name.pos };
  }

  private parseOrderBy(): RawSortKey[] {
    const by = this.next();
    if (by.kind === 'eof') throw syntaxErrorAtEnd("Expecting 'by' before the end of the query.");
    if (!this.isWord(by, 'by')) throw syntaxError(`Expecting 'by' but got '${show(by)}'.`, by.pos);
    const keys: RawSortKey[] = [];
    for (;;) {
      const field = this.parseFieldName();
      let direction: 'asc' | 'desc' | null = null;
      const d = this.peek();
      if (this.isWord(d, 'asc') || this.isWord(d, 'desc')) {
        this.next();
        direction = d.value.toLowerCase() as 'asc' | 'desc';
      }
      keys.push({ field: field.value, pos: field.pos, direction });
      const n = this.next();
      if (n.kind === 'eof') return keys;
      if (n.kind === 'comma') continue;
      if (direction === null) throw syntaxError(`Expecting either 'ASC' or 'DESC' but got '${show(n)}'.`, n.pos);
      throw syntaxError(`Expecting ',' but got '${show(n)}'.`, n.pos);
    }
  }
}

/** Parses JQL text into a raw syntax tree; throws JqlError with Jira's text on a syntax error. */
export function parseSyntax(text: string): RawQuery {
  return new Parser(tokenize(text)).parseQuery();
}
