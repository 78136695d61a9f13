// Turns the JSON Schema files into checks that answer in the API's words. The build precompiles
// them with ajv's standalone code (dist/validators/), so a start-up neither loads nor
// runs ajv's compiler; without that file (tests running src/), ajv compiles them on first use.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import type { Ajv2020, Options } from 'ajv/dist/2020.js';
import type { FieldError } from '../errors.js';
import { precompiledValidator } from '../paths.js';
import { shapeRank, toFieldErrors } from './field-errors.js';
import { readSchema, schemaIds } from './schemas.js';

/** Zod 3's email pattern, so that the fake accepts and rejects exactly the addresses the real API does. */
export const ZOD_EMAIL_PATTERN = /^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9-]*\.)+[A-Z]{2,}$/i;

/** Zod 3's uuid pattern (its `\b`s change nothing), so that `matterId` and the like fail as Zod's do. */
export const ZOD_UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A compiled check: the field errors of `data`, empty when it is valid. Defaults are filled in place. */
export type Check = (data: unknown) => FieldError[];

/** What ajv's compiled functions look like, compiled here or precompiled. */
type ValidateFunction = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** The id of the strict variant of a body schema: the same schema with `additionalProperties: false`. */
export function strictIdOf(id: string): string {
  return id.replace(/\.schema\.json$/, '.strict.schema.json');
}

/** Registered body schemas that also get a strict variant (for --strict). */
const strictBodies = new Set<string>();

/**
 * Declares `id` a request body schema, so that a strict variant of it exists (for --strict).
 *
 * @example
 * declareBodySchema('client-create.schema.json');
 */
export function declareBodySchema(id: string): void {
  strictBodies.add(id);
}

/** Every validator the fake uses, by schema id: the registered schemas, and strict body variants. */
export function validatorIds(): string[] {
  return [...schemaIds(), ...[...strictBodies].map(strictIdOf)];
}

/** The ajv options every validator is compiled with, here or by the build. */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  // verbose puts the failing value and its schema on each error, which Zod's wording needs.
  verbose: true,
  useDefaults: true,
  allowUnionTypes: true,
  // Zod measures strings in UTF-16 units (String#length); ajv would count code points.
  unicode: false,
};

const require = createRequire(import.meta.url);

/**
 * An ajv instance holding every schema the fake validates with; `options` are added to
 * {@link AJV_OPTIONS} (the build passes `code` options to generate standalone code).
 */
export function createAjv(options: Options = {}): Ajv2020 {
  // Loaded on demand: a built fake never needs the compiler at run time.
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  const ajv = new Ajv({ ...AJV_OPTIONS, ...options });
  addFormats(ajv, ['date-time']);
  ajv.addFormat('email', ZOD_EMAIL_PATTERN);
  ajv.addFormat('uuid', ZOD_UUID_PATTERN);
  for (const id of schemaIds()) ajv.addSchema(readSchema(id));
  for (const id of strictBodies) ajv.addSchema({ ...readSchema(id), $id: strictIdOf(id), additionalProperties: false });
  return ajv;
}

let ajv: Ajv2020 | undefined;
const checks = new Map<string, Check>();

function validatorFor(id: string): ValidateFunction {
  const precompiled = precompiledValidator(id);
  if (existsSync(precompiled)) return (require(precompiled) as { validate: ValidateFunction }).validate;
  // Schemas registered after the compiler was made (resources register theirs at start-up) need a new one.
  if (ajv?.getSchema(id) === undefined) ajv = createAjv();
  const validate = ajv.getSchema(id);
  if (validate === undefined) throw new Error(`schema ${id} is not registered`);
  return validate;
}

function checkOf(id: string): Check {
  let check = checks.get(id);
  if (check === undefined) {
    const validate = validatorFor(id);
    let rank: ((field: string) => number[]) | undefined;
    check = (data) => {
      if (validate(data)) return [];
      // Read on the first failure only: valid input never needs it.
      rank ??= shapeRank(readSchema(id.replace(/\.strict\.schema\.json$/, '.schema.json')));
      return toFieldErrors(validate.errors ?? [], rank);
    };
    checks.set(id, check);
  }
  return check;
}

/**
 * The check for one registered schema, made on first use and shared afterwards.
 *
 * @example
 * const errors = checkFor('api-keys.schema.json')(JSON.parse(text));
 */
export function checkFor(id: string): Check {
  return checkOf(id);
}

/**
 * The check for a request body: unknown and read-only keys are allowed (and later dropped), or,
 * with `strict`, rejected as Zod's `.strict()` rejects them.
 */
export function bodyCheckFor(id: string, strict: boolean): Check {
  return checkOf(strict ? strictIdOf(id) : id);
}

/**
 * Converts the fields a query schema declares as numbers with Number(), as Zod's coerce does
 * ('' is 0, 'abc' and repeated parameters are NaN), so that the schema can check them.
 *
 * @example
 * const toQuery = coerceQueryFor('client-list-query.schema.json');
 * toQuery({ page: '2' }); // { page: 2 }
 */
export function coerceQueryFor(id: string): (query: Record<string, unknown>) => Record<string, unknown> {
  let numeric: string[] | undefined;
  return (query) => {
    // Read on first use, not at start-up.
    numeric ??= Object.entries(readSchema(id).properties ?? {})
      .filter(([, schema]) => schema.type === 'integer' || schema.type === 'number')
      .map(([name]) => name);
    const value: Record<string, unknown> = { ...query };
    for (const field of numeric) {
      if (value[field] !== undefined) value[field] = Number(value[field]);
    }
    return value;
  };
}
