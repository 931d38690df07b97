// Validates an Atlassian Document Format body against Atlassian's own ADF JSON schema, as Jira
// Cloud does for every rich-text value it receives through REST v3 (descriptions, environment,
// comment bodies). The schema is `json-schema/v1/full.json` of the `@atlaskit/adf-schema` package,
// copied beside this file (adf-schema-v1-full.json; version and reason in docs/emulator.md), so
// the emulator needs no package at run time beyond Ajv. The schema declares draft-04 but uses
// only keywords whose meaning is the same in Ajv's default draft (checked by a test), so it is
// compiled with `$schema` removed.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

const SCHEMA_URL = new URL('./adf-schema-v1-full.json', import.meta.url);

let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: false });
  compiled = ajv.compile(schema);
  return compiled;
}

export interface AdfCheck {
  valid: boolean;
  /** Ajv's first error (for the emulator's request log and tests; Jira's answer says only INVALID_INPUT) */
  error?: string;
}

/**
 * Compiles the schema now rather than at the first document checked (half a second): the emulator
 * as a process does this before it listens, so its first create answers as fast as the next.
 */
export function prepareAdfValidator(): void {
  validator();
}

/** true when `value` is a document that Atlassian's ADF schema accepts. */
export function checkAdf(value: unknown): AdfCheck {
  const v = validator();
  if (v(value)) return { valid: true };
  const e = v.errors?.[0];
  return { valid: false, error: e ? `${e.instancePath || '/'} ${e.message ?? ''}` : 'invalid' };
}
