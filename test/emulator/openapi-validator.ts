// Validates HTTP bodies against Atlassian's published OpenAPI 3.0.1 document for Jira Cloud REST v3
// (test/emulator/spec/jira-cloud-platform-v3.openapi.json, kept in the repository; see its README). Reusable: the emulator's
// tests validate its answers with it, and our Jira client's tests can validate its requests.
//
// OpenAPI → JSON Schema translation: `$ref`s are resolved against the document, `nullable: true`
// becomes a union with null, OpenAPI-only keywords are ignored (Ajv non-strict). Formats: Jira
// Cloud really sends timestamps as 2019-02-15T19:11:18.321-0800 (offset without colon), which the
// spec types `date-time`; the validator accepts that form as well as RFC 3339.
// Paths under /rest/api/2 are validated against their /rest/api/3 twin (same shapes; rich-text
// fields are typed loosely in the spec). A status without a documented body schema is validated
// as an ErrorCollection when it is >= 400, and must have an empty body when it is 204.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;

const SPEC_URL = new URL('./spec/jira-cloud-platform-v3.openapi.json', import.meta.url);
const DOC_ID = 'jira-cloud-v3.json';

export interface ValidationResult {
  ok: boolean;
  /** the spec operation, e.g. "GET /rest/api/3/issue/{issueIdOrKey}" */
  operation: string;
  /** which schema was used, e.g. "IssueBean" or "ErrorCollection (status without schema)" */
  schema: string;
  errors: string[];
}

function translate(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(translate);
  if (typeof node !== 'object' || node === null) return node;
  const src = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out.$ref = `${DOC_ID}${v}`;
    else if (k === 'example' || k === 'examples' || k === 'xml' || k === 'discriminator' || k === 'externalDocs') continue;
    else out[k] = translate(v);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  }
  return out;
}

/**
 * Where the document's schemas contradict Jira Cloud's real answers, each with its evidence:
 * - ChangeDetails.from/fromString/to/toString are typed `string`, but Jira sends explicit nulls for
 *   a value changed from or to empty; the same document's own examples for
 *   GET /rest/api/3/issue/{issueIdOrKey}/changelog and POST …/changelog/list show
 *   `"from":null,"fromString":"","to":null,"toString":"label-1"`.
 */
function correctKnownGaps(schemas: Json): Json {
  const change = (schemas.ChangeDetails as Json | undefined)?.properties as Json | undefined;
  for (const k of ['from', 'fromString', 'to', 'toString']) {
    const prop = change?.[k] as Json | undefined;
    if (prop) prop.type = ['string', 'null'];
  }
  return schemas;
}

const JIRA_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

export class OpenApiValidator {
  private ajv: Ajv;
  private spec: Json;
  private paths: { template: string; segments: string[]; statics: number }[];
  private cache = new Map<string, ValidateFunction>();

  constructor(specPath: URL | string = SPEC_URL) {
    this.spec = JSON.parse(readFileSync(specPath, 'utf8')) as Json;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, ownProperties: true }) // ownProperties: 'toString' is a real key in changelog items;
    const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
    (addFormats as unknown as (a: Ajv) => void)(this.ajv);
    this.ajv.addFormat('date-time', JIRA_DATE_TIME);
    for (const f of ['int32', 'int64', 'float', 'double', 'binary', 'byte', 'password']) this.ajv.addFormat(f, true);
    const components = (this.spec.components as Json).schemas as Json;
    this.ajv.addSchema({ $id: DOC_ID, components: { schemas: correctKnownGaps(translate(components) as Json) } });
    this.paths = Object.keys(this.spec.paths as Json).map((template) => {
      const segments = template.split('/');
      return { template, segments, statics: segments.filter((s) => !s.startsWith('{')).length };
    });
    this.paths.sort((a, b) => b.statics - a.statics);
  }

  /** The spec's path template for a concrete path (query string ignored; /rest/api/2 mapped to 3). */
  templateFor(path: string): string | null {
    const p = path.split('?')[0]!.replace(/^\/rest\/api\/(2|latest)\//, '/rest/api/3/');
    const segs = p.split('/');
    for (const t of this.paths) {
      if (t.segments.length !== segs.length) continue;
      if (t.segments.every((s, i) => s.startsWith('{') || s === segs[i])) return t.template;
    }
    return null;
  }

  private operation(method: string, path: string): { template: string; op: Json } | null {
    const template = this.templateFor(path);
    if (!template) return null;
    const op = ((this.spec.paths as Json)[template] as Json)[method.toLowerCase()] as Json | undefined;
    return op ? { template, op } : null;
  }

  isDocumented(method: string, path: string): boolean {
    return this.operation(method, path) !== null;
  }

  private compile(key: string, schema: unknown): ValidateFunction {
    let v = this.cache.get(key);
    if (!v) {
      v = this.ajv.compile(translate(schema) as Json);
      this.cache.set(key, v);
    }
    return v;
  }

  private run(key: string, schema: unknown, body: unknown, operation: string, schemaName: string): ValidationResult {
    const v = this.compile(key, schema);
    const ok = v(body) as boolean;
    return {
      ok,
      operation,
      schema: schemaName,
      errors: ok ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`),
    };
  }

  /** Validates a response body against the documented schema of method + path + status. */
  validateResponse(method: string, path: string, status: number, body: unknown): ValidationResult {
    const found = this.operation(method, path);
    if (!found) return { ok: false, operation: `${method} ${path}`, schema: '-', errors: ['operation not in the spec'] };
    const operation = `${method.toUpperCase()} ${found.template}`;
    const responses = found.op.responses as Json;
    const resp = (responses[String(status)] ?? responses.default) as Json | undefined;
    const content = resp?.content as Json | undefined;
    const schema = (content?.['application/json'] as Json | undefined)?.schema as Json | undefined;
    const hasSchema = schema !== undefined && Object.keys(schema).length > 0;
    if (!resp && status < 400) return { ok: false, operation, schema: '-', errors: [`status ${status} is not documented`] };
    if (hasSchema) {
      const ref = typeof schema.$ref === 'string' ? schema.$ref.split('/').pop()! : (schema.type as string | undefined) ?? 'inline';
      return this.run(`${operation} ${status}`, schema, body, operation, ref);
    }
    if (status >= 400) {
      return this.run('ErrorCollection', { $ref: '#/components/schemas/ErrorCollection' }, body, operation, 'ErrorCollection (status without schema)');
    }
    if (status === 204) {
      const empty = body === undefined || body === null || body === '';
      return { ok: empty, operation, schema: 'empty (204)', errors: empty ? [] : ['204 with a body'] };
    }
    return { ok: true, operation, schema: 'none documented', errors: [] };
  }

  /** Validates a request body against the operation's documented requestBody schema. */
  validateRequest(method: string, path: string, body: unknown): ValidationResult {
    const found = this.operation(method, path);
    if (!found) return { ok: false, operation: `${method} ${path}`, schema: '-', errors: ['operation not in the spec'] };
    const operation = `${method.toUpperCase()} ${found.template}`;
    const schema = (((found.op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
    if (!schema) return { ok: true, operation, schema: 'none documented', errors: [] };
    return this.run(`${operation} request`, schema, body, operation, 'requestBody');
  }
}

let shared: OpenApiValidator | null = null;
/** One validator per process (compiling the spec takes a moment). */
export function openApiValidator(): OpenApiValidator {
  shared ??= new OpenApiValidator();
  return shared;
}
