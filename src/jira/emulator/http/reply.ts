// The value every route handler returns; the server writes it (or, under a fault, does not).
import type { IncomingHttpHeaders } from 'node:http';
import type { RenderContext } from '../representation.js';
import type { User } from '../state/model.js';

export interface Reply {
  status: number;
  /** JSON body */
  body?: unknown;
  /** non-JSON body (e.g. Jira's plain-text 401) */
  text?: string;
  headers?: Record<string, string>;
  /** no answer at all: keep the socket open until the emulator closes ('hold') or destroy it now ('destroy') */
  noAnswer?: 'hold' | 'destroy';
}

export interface RequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: unknown;
  rawBody: string;
  headers: IncomingHttpHeaders;
  user: User | null;
  version: 2 | 3;
  render: RenderContext;
  /** true when this request was picked for the lost-answer fault (handlers may use it) */
  lostAnswer: boolean;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

export function noContent(): Reply {
  return { status: 204 };
}

/** Jira's ErrorCollection: {"errorMessages":[...],"errors":{...}} */
export function jiraError(status: number, errorMessages: string[], errors: Record<string, string> = {}): Reply {
  return { status, body: { errorMessages, errors } };
}

export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

export function issueNotFound(): Reply {
  return jiraError(404, [ISSUE_NOT_FOUND]);
}

export function unauthorized(): Reply {
  return { status: 401, text: 'Client must be authenticated to access this resource.', headers: { 'content-type': 'text/plain;charset=UTF-8' } };
}
