// The one error type of the JQL module. Its message is exactly the text Jira Cloud puts in
// `errorMessages` of a 400 answer, so the server can pass it through unchanged.

export class JqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JqlError';
  }
}

/** A position in the query text, both 1-based, as Jira prints it: "(line 1, character 9)". */
export interface Pos {
  line: number;
  column: number;
}

const PREFIX = 'Error in the JQL Query: ';

/** A syntax error at a token: Jira appends the position. */
export function syntaxError(text: string, pos: Pos): JqlError {
  return new JqlError(`${PREFIX}${text} (line ${pos.line}, character ${pos.column})`);
}

/** A syntax error at the end of the query: Jira prints no position. */
export function syntaxErrorAtEnd(text: string): JqlError {
  return new JqlError(`${PREFIX}${text}`);
}
