// The build's precompiled validators (dist/validators/*.cjs) answer exactly as ajv
// compiling the schema files at run time does, for every validator and many inputs.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ErrorObject } from 'ajv';
import { toFieldErrors } from '../src/validation/field-errors.js';
import { registerResourceSchemas } from '../src/api/schemas.js';
import { RESOURCES } from '../src/resources/index.js';
import { createAjv, validatorIds } from '../src/validation/validator.js';
import { readdirSync } from 'node:fs';
import { FIELD_NAMES } from './support/contract-oracle.js';

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

registerResourceSchemas(RESOURCES);
const VALIDATOR_IDS = validatorIds();
const require = createRequire(import.meta.url);
const precompiled = Object.fromEntries(
  VALIDATOR_IDS.map((id) => [id, (require(`../dist/validators/${id}.cjs`) as { validate: Validate }).validate]),
);
const runtime = createAjv();

/** What a validator says of `data`: valid, the defaults it filled in, and the field errors. */
function verdict(validate: Validate, data: unknown): unknown {
  const copy = structuredClone(data);
  const valid = validate(copy);
  return { valid, copy, errors: valid ? [] : toFieldErrors(validate.errors ?? []) };
}

const nearValid = fc.record(
  Object.fromEntries(
    FIELD_NAMES.map((name) => [
      name,
      fc.oneof(fc.string(), fc.constant(null), fc.integer(), fc.constantFrom('CA', 'individual', 'a@b.co')),
    ]),
  ),
  { requiredKeys: [] },
);
const inputs = fc.oneof(fc.jsonValue(), nearValid, fc.dictionary(fc.string(), fc.jsonValue()));

describe('precompiled validators', () => {
  it('exist for every validator the fake uses, and no others', () => {
    const files = readdirSync(new URL('../dist/validators/', import.meta.url)).filter((f) => f !== 'formats.cjs');
    assert.deepEqual(files.sort(), VALIDATOR_IDS.map((id) => `${id}.cjs`).sort());
  });

  for (const id of VALIDATOR_IDS) {
    it(`${id}: same verdict as a run-time compile`, () => {
      const compiled = runtime.getSchema(id) as Validate;
      fc.assert(
        fc.property(inputs, (data) => {
          assert.deepEqual(verdict(precompiled[id] as Validate, data), verdict(compiled, data));
        }),
        { seed: 20261129, numRuns: 300 },
      );
    });
  }
});
