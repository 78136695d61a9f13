// Turns ajv's errors into the real API's `{field, message}` items, worded as Zod 3 words them.
import type { ErrorObject } from 'ajv';
import type { FieldError } from '../errors.js';

type SchemaWithEnum = { type?: string | string[]; enum?: unknown[] };

/** Zod's name for the type of a value ("received null", "received array", "received nan", ...). */
export function zodTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'nan';
  return typeof value;
}

/** Zod's `joinValues`: strings quoted, joined by ` | `. */
function joinValues(values: readonly unknown[], separator = ' | '): string {
  return values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(separator);
}

function toField(instancePath: string, extra?: string): string {
  const segments = instancePath === '' ? [] : instancePath.slice(1).split('/');
  if (extra !== undefined) segments.push(extra);
  return segments.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

function typesOf(schema: SchemaWithEnum): string[] {
  return schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** A float where an integer belongs is a soft failure: Zod still reports the bounds checks after it. */
function isFloatForInteger(error: ErrorObject): boolean {
  const schema = error.parentSchema as SchemaWithEnum;
  return typesOf(schema).includes('integer') && typeof error.data === 'number' && !Number.isNaN(error.data);
}

function typeMessage(error: ErrorObject): string {
  const schema = error.parentSchema as SchemaWithEnum;
  const received = zodTypeOf(error.data);
  if (received === 'undefined') return 'Required';
  const choices = schema.enum?.filter((v) => v !== null);
  if (choices !== undefined) return `Expected ${joinValues(choices)}, received ${received}`;
  const types = typesOf(schema).filter((t) => t !== 'null');
  if (types.includes('integer')) {
    return isFloatForInteger(error) ? 'Expected integer, received float' : `Expected number, received ${received}`;
  }
  return `Expected ${types[0] ?? 'value'}, received ${received}`;
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return typeMessage(error);
    case 'enum':
      return `Invalid enum value. Expected ${joinValues((params.allowedValues as unknown[]).filter((v) => v !== null))}, received '${String(error.data)}'`;
    case 'format':
      return params.format === 'email'
        ? 'Invalid email'
        : params.format === 'date-time'
          ? 'Invalid datetime'
          : params.format === 'uuid'
            ? 'Invalid uuid'
            : 'Invalid';
    case 'required':
      return 'Required';
    case 'minimum':
      return `Number must be greater than or equal to ${String(params.limit)}`;
    case 'exclusiveMinimum':
      return `Number must be greater than ${String(params.limit)}`;
    case 'maximum':
      return `Number must be less than or equal to ${String(params.limit)}`;
    case 'exclusiveMaximum':
      return `Number must be less than ${String(params.limit)}`;
    case 'minLength':
      return `String must contain at least ${String(params.limit)} character(s)`;
    case 'maxLength':
      return `String must contain at most ${String(params.limit)} character(s)`;
    case 'minItems':
      return `Array must contain at least ${String(params.limit)} element(s)`;
    case 'maxItems':
      return `Array must contain at most ${String(params.limit)} element(s)`;
    case 'pattern':
      return 'Invalid';
    case 'const':
      return `Invalid literal value, expected ${JSON.stringify(params.allowedValue)}`;
    default:
      return 'Invalid input';
  }
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** Schemas as far as the order of their keys goes. */
type ShapeSchema = { properties?: Record<string, ShapeSchema>; items?: ShapeSchema };

/**
 * The place of a dotted field in the order Zod checks a schema's values: each key by its place
 * among the schema's properties, each array item by its index.
 *
 * @example
 * const rank = shapeRank(schema);
 * rank('thirdParties.0.email'); // [9, 0, 1]
 */
export function shapeRank(schema: ShapeSchema): (field: string) => number[] {
  return (field) => {
    const ranks: number[] = [];
    let at: ShapeSchema | undefined = schema;
    for (const segment of field === '' ? [] : field.split('.')) {
      const keys: string[] = Object.keys(at?.properties ?? {});
      const index = keys.indexOf(segment);
      if (index !== -1) {
        ranks.push(index);
        at = at?.properties?.[segment];
      } else if (at?.items !== undefined && /^\d+$/.test(segment)) {
        ranks.push(Number(segment));
        at = at.items;
      } else {
        ranks.push(Number.MAX_SAFE_INTEGER);
        at = undefined;
      }
    }
    return ranks;
  };
}

/**
 * JSON.parse reads 1e400 as Infinity, which is no integer; ajv then skips the bounds of a number
 * that is not finite, but Zod still checks them after its integer check.
 */
function boundsOfInfinity(error: ErrorObject): FieldError[] {
  const value = error.data;
  if (!isFloatForInteger(error) || typeof value !== 'number' || Number.isFinite(value)) return [];
  const schema = error.parentSchema as Record<string, unknown>;
  const field = toField(error.instancePath);
  const bounds: [keyword: string, fails: (limit: number) => boolean][] = [
    ['minimum', (limit) => value < limit],
    ['exclusiveMinimum', (limit) => value <= limit],
    ['maximum', (limit) => value > limit],
    ['exclusiveMaximum', (limit) => value >= limit],
  ];
  return bounds
    .filter(([keyword, fails]) => typeof schema[keyword] === 'number' && fails(schema[keyword] as number))
    .map(([keyword]) => ({ field, message: messageOf({ ...error, keyword, params: { limit: schema[keyword] } }) }));
}

/**
 * Converts ajv errors (compiled with `allErrors` and `verbose`) into the API's field errors, in the
 * order and number Zod 3 would report them: one type error per value, bounds after an integer
 * check, unknown keys gathered into one item after the other problems of their object.
 *
 * @example
 * toFieldErrors(validate.errors ?? []); // [{ field: 'email', message: 'Invalid email' }]
 */
export function toFieldErrors(errors: readonly ErrorObject[], rank?: (field: string) => readonly number[]): FieldError[] {
  // A value of the wrong type gets one error in Zod: its other checks are never reached.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type' && !isFloatForInteger(e)).map((e) => e.instancePath));
  const items: FieldError[] = [];
  const unknownKeys = new Map<string, string[]>();
  for (const error of errors) {
    if (error.keyword === 'additionalProperties') {
      const keys = unknownKeys.get(error.instancePath) ?? [];
      keys.push(String((error.params as { additionalProperty: string }).additionalProperty));
      unknownKeys.set(error.instancePath, keys);
      continue;
    }
    if (error.keyword === 'required') {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      items.push({ field: toField(error.instancePath, missing), message: 'Required' });
      continue;
    }
    if (wrongType.has(error.instancePath) && error.keyword !== 'type') continue;
    // These only repeat what the errors under them said.
    if (error.keyword === 'if' || error.keyword === '$ref' || error.keyword === 'propertyNames') continue;
    items.push({ field: toField(error.instancePath), message: messageOf(error) });
    if (error.keyword === 'type') items.push(...boundsOfInfinity(error));
  }
  // Zod reports an object's problems key by key in its shape's order; ajv reports missing keys first.
  if (rank !== undefined) {
    const ranked = items.map((item, index) => ({ item, index, key: rank(item.field) }));
    ranked.sort((a, b) => compareRanks(a.key, b.key) || a.index - b.index);
    items.splice(0, items.length, ...ranked.map((r) => r.item));
  }
  for (const [path, keys] of unknownKeys) {
    items.push({ field: toField(path), message: `Unrecognized key(s) in object: ${joinValues(keys, ', ')}` });
  }
  return items;
}
