// One refused request: the table runner sends it and expects a 4xx whose error names the problem,
// with every table unchanged afterwards.
export type TokenKind = 'admin' | 'viewer' | 'analyst' | 'ingest' | 'none' | 'expired' | 'revoked' | 'bogus' | 'disabled';

export interface Ctx {
  alertId: string;
  commentId: string;
  userId: string;
  viewerId: string;
  tokenId: string;
  destinationId: string;
  /** A two-way destination on https://acme.atlassian.net. */
  twoWayDestinationId: string;
  [key: string]: string;
}

export interface BadRequestCase {
  name: string;
  method: string;
  path: string | ((ctx: Ctx) => string);
  body?: unknown | ((ctx: Ctx) => unknown);
  /** Sent as is (malformed JSON, oversized bodies). */
  rawBody?: string | (() => string);
  contentType?: string;
  token?: TokenKind;
  expectStatus: number;
  expectMessage: RegExp;
}
