// Request validation: bodies are checked strictly (no type coercion, no unknown properties),
// query strings and path parameters are coerced from text. Messages name the offending field.
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS with a default export; under NodeNext it sits on .default.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

function makeAjv(coerce: boolean) {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

export function installValidation(app: FastifyInstance): void {
  const strict = makeAjv(false);
  const coercing = makeAjv(true);
  const compiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
  app.setValidatorCompiler(compiler);
  app.setSchemaErrorFormatter((errors, dataVar) => new Error(describeErrors(errors as ErrorObject[], dataVar)));
}

export function describeErrors(errors: ErrorObject[], dataVar: string): string {
  const e = errors[0];
  if (!e) return `${dataVar} is invalid`;
  const where = `${dataVar}${e.instancePath.replace(/\//g, '.')}`;
  switch (e.keyword) {
    case 'required':
      return `${where}.${(e.params as { missingProperty: string }).missingProperty} is required`;
    case 'additionalProperties':
      return `${where}.${(e.params as { additionalProperty: string }).additionalProperty} is not a known field`;
    case 'enum':
      return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'type':
      return `${where} must be of type ${(e.params as { type: string }).type}`;
    default:
      return `${where} ${e.message ?? 'is invalid'}`;
  }
}
