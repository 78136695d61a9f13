// Build step after tsc: precompiles every validator into dist/validation/validators.cjs with ajv's
// standalone code, so that a built fake starts without loading or running ajv's compiler.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createAjv, VALIDATOR_IDS, ZOD_EMAIL_PATTERN } from '../dist/validation/validator.js';

const require = createRequire(import.meta.url);
const standaloneCode = require('ajv/dist/standalone').default;
const { _ } = require('ajv');

const out = new URL('../dist/validation/', import.meta.url);
// The formats the schemas use, as the generated code requires them.
writeFileSync(
  new URL('formats.cjs', out),
  `"use strict";\nmodule.exports = {\n  "date-time": require("ajv-formats/dist/formats").fullFormats["date-time"],\n  email: ${ZOD_EMAIL_PATTERN},\n};\n`,
);
const ajv = createAjv({ code: { source: true, formats: _`require("./formats.cjs")` } });
writeFileSync(new URL('validators.cjs', out), standaloneCode(ajv, Object.fromEntries(VALIDATOR_IDS.map((id) => [id, id]))));
