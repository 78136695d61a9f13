// Build step after tsc: precompiles every validator with ajv's standalone code, one module each in
// dist/validators/, so that a built fake starts without ajv's compiler and loads only the
// validators it uses.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createAjv, VALIDATOR_IDS, ZOD_EMAIL_PATTERN } from '../dist/validation/validator.js';

const require = createRequire(import.meta.url);
const standaloneCode = require('ajv/dist/standalone').default;
const { _ } = require('ajv');

const out = new URL('../dist/validators/', import.meta.url);
mkdirSync(out, { recursive: true });
// The formats the schemas use, as the generated code requires them.
writeFileSync(
  new URL('formats.cjs', out),
  `"use strict";\nmodule.exports = {\n  "date-time": require("ajv-formats/dist/formats").fullFormats["date-time"],\n  email: ${ZOD_EMAIL_PATTERN},\n};\n`,
);
const ajv = createAjv({ code: { source: true, formats: _`require("./formats.cjs")` } });
for (const id of VALIDATOR_IDS) {
  writeFileSync(new URL(`${id}.cjs`, out), standaloneCode(ajv, { validate: id }));
}
