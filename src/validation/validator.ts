// Compiles the JSON Schema files with ajv, once per process, into checks that answer in the API's words.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import type { FieldError } from '../errors.js';
import { toFieldErrors } from './field-errors.js';
import { readSchema, SCHEMA_FILES, type JsonSchema, type SchemaFile } from './schemas.js';

/** Zod 3's email pattern, so that the fake accepts and rejects exactly the addresses the real API does. */
export const ZOD_EMAIL_PATTERN = /^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9-]*\.)+[A-Z]{2,}$/i;

/** A compiled check: the field errors of `data`, empty when it is valid. Defaults are filled in place. */
export type Check = (data: unknown) => FieldError[];


let ajv: Ajv2020 | undefined;
const checks = new Map<string, Check>();

function getAjv(): Ajv2020 {
  if (ajv !== undefined) return ajv;
  ajv = new Ajv2020({
    allErrors: true,
    // verbose puts the failing value and its schema on each error, which Zod's wording needs.
    verbose: true,
    useDefaults: true,
    allowUnionTypes: true,
  });
  const addFormats = addFormatsPlugin.default;
  addFormats(ajv, ['date-time']);
  ajv.addFormat('email', ZOD_EMAIL_PATTERN);
  for (const file of SCHEMA_FILES) ajv.addSchema(readSchema(file));
  return ajv;
}

function toCheck(validate: ValidateFunction): Check {
  return (data) => (validate(data) ? [] : toFieldErrors(validate.errors ?? []));
}

/**
 * The check for one schema file, compiled on first use and shared afterwards.
 *
 * @example
 * const errors = checkFor('api-keys.schema.json')(JSON.parse(text));
 */
export function checkFor(file: SchemaFile): Check {
  let check = checks.get(file);
  if (check === undefined) {
    const validate = getAjv().getSchema(file);
    if (validate === undefined) throw new Error(`schema ${file} is not registered`);
    check = toCheck(validate);
    checks.set(file, check);
  }
  return check;
}

/**
 * The check for a create body: unknown and read-only keys are allowed (and later dropped), or,
 * with `strict`, rejected as Zod's `.strict()` rejects them.
 */
export function createBodyCheck(strict: boolean): Check {
  if (!strict) return checkFor('client-create.schema.json');
  const key = 'client-create.schema.json#strict';
  let check = checks.get(key);
  if (check === undefined) {
    const schema: JsonSchema = { ...readSchema('client-create.schema.json'), additionalProperties: false };
    delete schema.$id;
    check = toCheck(getAjv().compile(schema));
    checks.set(key, check);
  }
  return check;
}

/**
 * Converts the fields a query schema declares as numbers with Number(), as Zod's coerce does
 * ('' is 0, 'abc' and repeated parameters are NaN), so that the schema can check them.
 *
 * @example
 * const toQuery = coerceQueryFor('client-list-query.schema.json');
 * toQuery({ page: '2' }); // { page: 2 }
 */
export function coerceQueryFor(file: SchemaFile): (query: Record<string, unknown>) => Record<string, unknown> {
  const numeric = Object.entries(readSchema(file).properties ?? {})
    .filter(([, schema]) => schema.type === 'integer' || schema.type === 'number')
    .map(([name]) => name);
  return (query) => {
    const value: Record<string, unknown> = { ...query };
    for (const field of numeric) {
      if (value[field] !== undefined) value[field] = Number(value[field]);
    }
    return value;
  };
}
