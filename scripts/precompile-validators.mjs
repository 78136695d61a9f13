// Build step after tsc: copies each resource's JSON Schema files beside its compiled code, then
// precompiles every validator with ajv's standalone code, one module each in dist/validators/, so
// that a built fake starts without ajv's compiler and loads only the validators it uses.
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const src = new URL('../src/resources/', import.meta.url);
const dist = new URL('../dist/resources/', import.meta.url);
for (const resource of readdirSync(src, { withFileTypes: true })) {
  const schemas = new URL(`${resource.name}/schemas/`, src);
  if (resource.isDirectory() && existsSync(schemas)) cpSync(schemas, new URL(`${resource.name}/schemas/`, dist), { recursive: true });
}

const { RESOURCES } = await import('../dist/resources/index.js');
const { registerResourceSchemas } = await import('../dist/api/schemas.js');
const { createAjv, validatorIds, ZOD_EMAIL_PATTERN, ZOD_UUID_PATTERN } = await import('../dist/validation/validator.js');

const require = createRequire(import.meta.url);
const standaloneCode = require('ajv/dist/standalone').default;
const { _ } = require('ajv');

registerResourceSchemas(RESOURCES);
const out = new URL('../dist/validators/', import.meta.url);
mkdirSync(out, { recursive: true });
// The formats the schemas use, as the generated code requires them.
writeFileSync(
  new URL('formats.cjs', out),
  `"use strict";\nmodule.exports = {\n  "date-time": require("ajv-formats/dist/formats").fullFormats["date-time"],\n  email: ${ZOD_EMAIL_PATTERN},\n  uuid: ${ZOD_UUID_PATTERN},\n};\n`,
);
const ajv = createAjv({ code: { source: true, formats: _`require("./formats.cjs")` } });
for (const id of validatorIds()) {
  writeFileSync(new URL(`${id}.cjs`, out), standaloneCode(ajv, { validate: id }));
}
