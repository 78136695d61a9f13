// toFieldErrors, table-driven: ajv's errors for small schemas turned into the `{field, message}`
// items Zod 3 would report: its wording per keyword, dotted fields, one error per wrong type,
// bounds after an integer check, and unknown keys gathered last.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorObject } from 'ajv';
import { toFieldErrors } from '../src/validation/field-errors.js';
import { createAjv } from '../src/validation/validator.js';
import type { ExpectedFieldError } from './support/envelopes.js';

// The fake's own ajv (allErrors, verbose, its email and date-time formats), plus one more format.
const ajv = createAjv();
ajv.addFormat('hex', /^[0-9a-f]+$/);

/** The field errors of `data` against `schema`, as the fake would answer them. */
function fieldErrorsOf(schema: object, data: unknown): ExpectedFieldError[] {
  const validate = ajv.compile(schema);
  assert.equal(validate(data), false, 'the case must be invalid');
  return toFieldErrors(validate.errors ?? []);
}

const object = (properties: Record<string, object>, extra: object = {}): object => ({ type: 'object', properties, ...extra });

// [case, schema, data, the errors Zod 3 reports]
const CASES: [string, object, unknown, ExpectedFieldError[]][] = [
  // Types
  ['a number for a string', object({ a: { type: 'string' } }), { a: 1 }, [{ field: 'a', message: 'Expected string, received number' }]],
  [
    'a boolean for a nullable string',
    object({ a: { type: ['string', 'null'] } }),
    { a: true },
    [{ field: 'a', message: 'Expected string, received boolean' }],
  ],
  ['an array for an object', { type: 'object' }, [], [{ field: '', message: 'Expected object, received array' }]],
  ['null for a boolean', { type: 'boolean' }, null, [{ field: '', message: 'Expected boolean, received null' }]],
  ['a string for a number', { type: 'number' }, '1', [{ field: '', message: 'Expected number, received string' }]],
  ['NaN for a number', { type: 'number' }, Number.NaN, [{ field: '', message: 'Expected number, received nan' }]],
  ['nothing at all', { type: 'object' }, undefined, [{ field: '', message: 'Required' }]],
  // Integers: Zod says "number" for a non-number, and still checks the bounds of a float.
  ['a string for an integer', { type: 'integer' }, 'x', [{ field: '', message: 'Expected number, received string' }]],
  ['NaN for an integer', { type: 'integer' }, Number.NaN, [{ field: '', message: 'Expected number, received nan' }]],
  ['a float for an integer', { type: 'integer' }, 1.5, [{ field: '', message: 'Expected integer, received float' }]],
  [
    'a float for an integer, under its minimum',
    { type: 'integer', minimum: 1 },
    0.5,
    [
      { field: '', message: 'Expected integer, received float' },
      { field: '', message: 'Number must be greater than or equal to 1' },
    ],
  ],
  [
    'a float for an integer, over its maximum',
    { type: 'integer', maximum: 5 },
    7.5,
    [
      { field: '', message: 'Expected integer, received float' },
      { field: '', message: 'Number must be less than or equal to 5' },
    ],
  ],
  // Enums and literals
  [
    'a value outside an enum',
    { type: 'string', enum: ['a', 'b'] },
    'c',
    [{ field: '', message: "Invalid enum value. Expected 'a' | 'b', received 'c'" }],
  ],
  [
    'a wrong type for an enum: one error, no enum error',
    { type: 'string', enum: ['a', 'b'] },
    1,
    [{ field: '', message: "Expected 'a' | 'b', received number" }],
  ],
  [
    'a value outside a nullable enum (null is not listed)',
    { type: ['string', 'null'], enum: ['a', 'b', null] },
    'c',
    [{ field: '', message: "Invalid enum value. Expected 'a' | 'b', received 'c'" }],
  ],
  [
    'a wrong type for a nullable enum',
    { type: ['string', 'null'], enum: ['a', 'b', null] },
    5,
    [{ field: '', message: "Expected 'a' | 'b', received number" }],
  ],
  [
    'another value than a const',
    { type: 'string', const: 'org_x' },
    'org_y',
    [{ field: '', message: 'Invalid literal value, expected "org_x"' }],
  ],
  [
    'a wrong type for a const: one error, no const error',
    { type: 'string', const: 'org_x' },
    1,
    [{ field: '', message: 'Expected string, received number' }],
  ],
  // Formats and patterns
  ['a bad email', { type: 'string', format: 'email' }, 'a@b', [{ field: '', message: 'Invalid email' }]],
  ['a bad date-time', { type: 'string', format: 'date-time' }, 'yesterday', [{ field: '', message: 'Invalid datetime' }]],
  ['any other format', { type: 'string', format: 'hex' }, 'zz', [{ field: '', message: 'Invalid' }]],
  ['a pattern', { type: 'string', pattern: '^clt_' }, 'x', [{ field: '', message: 'Invalid' }]],
  [
    'a property name that fails propertyNames: one error, not two',
    { type: 'object', propertyNames: { pattern: '^[a-z]+$' } },
    { A: 1 },
    [{ field: '', message: 'Invalid' }],
  ],
  // Bounds
  ['under a minimum', { type: 'number', minimum: 400 }, 200, [{ field: '', message: 'Number must be greater than or equal to 400' }]],
  ['over a maximum', { type: 'number', maximum: 599 }, 700, [{ field: '', message: 'Number must be less than or equal to 599' }]],
  ['at an exclusive minimum', { type: 'number', exclusiveMinimum: 0 }, 0, [{ field: '', message: 'Number must be greater than 0' }]],
  ['at an exclusive maximum', { type: 'number', exclusiveMaximum: 10 }, 10, [{ field: '', message: 'Number must be less than 10' }]],
  ['a short string', { type: 'string', minLength: 8 }, 'abc', [{ field: '', message: 'String must contain at least 8 character(s)' }]],
  ['a long string', { type: 'string', maxLength: 2 }, 'abc', [{ field: '', message: 'String must contain at most 2 character(s)' }]],
  ['too few items', { type: 'array', minItems: 1 }, [], [{ field: '', message: 'Array must contain at least 1 element(s)' }]],
  ['too many items', { type: 'array', maxItems: 1 }, [1, 2], [{ field: '', message: 'Array must contain at most 1 element(s)' }]],
  ['a keyword Zod has no words for', { type: 'number', multipleOf: 2 }, 3, [{ field: '', message: 'Invalid input' }]],
  // Required, and conditions that only repeat what their errors say
  ['a missing property', object({ a: { type: 'string' } }, { required: ['a'] }), {}, [{ field: 'a', message: 'Required' }]],
  ['a missing nested property', object({ a: object({}, { required: ['b'] }) }), { a: {} }, [{ field: 'a.b', message: 'Required' }]],
  [
    'a missing property asked for by if/then: the if error is dropped',
    object({ kind: { type: 'string' } }, { if: object({ kind: { const: 'a' } }), then: { required: ['x'] } }),
    { kind: 'a' },
    [{ field: 'x', message: 'Required' }],
  ],
  [
    'an error under a $ref',
    { $defs: { name: { type: 'string', minLength: 2 } }, ...object({ a: { $ref: '#/$defs/name' } }) },
    { a: 'x' },
    [{ field: 'a', message: 'String must contain at least 2 character(s)' }],
  ],
  // Fields
  [
    'items of an array, by index',
    { type: 'array', items: { type: 'string' } },
    [1, 'x', 2],
    [
      { field: '0', message: 'Expected string, received number' },
      { field: '2', message: 'Expected string, received number' },
    ],
  ],
  [
    'a nested path, dotted',
    object({ clients: { type: 'array', items: object({ email: { type: 'string', format: 'email' } }) } }),
    { clients: [{ email: 'a@b.co' }, { email: 'x' }] },
    [{ field: 'clients.1.email', message: 'Invalid email' }],
  ],
  [
    'keys holding / and ~ (JSON pointer escapes undone)',
    object({ 'a/b': { type: 'string' }, 'c~d': { type: 'string' } }),
    { 'a/b': 1, 'c~d': 1 },
    [
      { field: 'a/b', message: 'Expected string, received number' },
      { field: 'c~d', message: 'Expected string, received number' },
    ],
  ],
  [
    'several problems, in the order of the schema',
    object({ a: { type: 'string' }, b: { type: 'string', format: 'email' }, c: { type: 'object' } }),
    { c: 1, b: 'x', a: 1 },
    [
      { field: 'a', message: 'Expected string, received number' },
      { field: 'b', message: 'Invalid email' },
      { field: 'c', message: 'Expected object, received number' },
    ],
  ],
  // Unknown keys
  [
    'unknown keys: one item, quoted, after the other problems of the object',
    object({ a: { type: 'string' } }, { additionalProperties: false }),
    { x: 1, a: 1, y: 2 },
    [
      { field: 'a', message: 'Expected string, received number' },
      { field: '', message: "Unrecognized key(s) in object: 'x', 'y'" },
    ],
  ],
  [
    'unknown keys of a nested object, under its field',
    object({ metadata: object({}, { additionalProperties: false }) }),
    { metadata: { z: 1 } },
    [{ field: 'metadata', message: "Unrecognized key(s) in object: 'z'" }],
  ],
];

describe('toFieldErrors', () => {
  for (const [name, schema, data, expected] of CASES) {
    it(name, () => {
      assert.deepEqual(fieldErrorsOf(schema, data), expected);
    });
  }

  it('drops $ref, if and propertyNames errors even when ajv reports them', () => {
    const errors: ErrorObject[] = [
      {
        keyword: 'minLength',
        instancePath: '/a',
        schemaPath: '#/$defs/name/minLength',
        params: { limit: 2 },
        data: 'x',
        parentSchema: { type: 'string', minLength: 2 },
      },
      { keyword: '$ref', instancePath: '/a', schemaPath: '#/properties/a/$ref', params: { ref: '#/$defs/name' } },
      { keyword: 'if', instancePath: '', schemaPath: '#/if', params: { failingKeyword: 'then' } },
      { keyword: 'propertyNames', instancePath: '', schemaPath: '#/propertyNames', params: { propertyName: 'A' } },
    ];
    assert.deepEqual(toFieldErrors(errors), [{ field: 'a', message: 'String must contain at least 2 character(s)' }]);
  });

  it('answers nothing for no errors', () => {
    assert.deepEqual(toFieldErrors([]), []);
  });
});
