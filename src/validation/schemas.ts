// The JSON Schema files in `schemas/`: the single source of truth for validation and the OpenAPI document.
import { readFileSync } from 'node:fs';

/** The schema files the fake ships, by file name. */
export type SchemaFile =
  | 'client-create.schema.json'
  | 'client-list-query.schema.json'
  | 'client.schema.json'
  | 'clients-fixture.schema.json'
  | 'api-keys.schema.json'
  | 'store-file.schema.json'
  | 'fault-rule.schema.json'
  | 'faults-file.schema.json'
  | 'journal-filter.schema.json'
  | 'clock-setting.schema.json'
  | 'clock-advance.schema.json'
  | 'error.schema.json';

/** Every schema file, in the order they are registered. */
export const SCHEMA_FILES: readonly SchemaFile[] = [
  'client-create.schema.json',
  'client-list-query.schema.json',
  'client.schema.json',
  'clients-fixture.schema.json',
  'api-keys.schema.json',
  'store-file.schema.json',
  'fault-rule.schema.json',
  'faults-file.schema.json',
  'journal-filter.schema.json',
  'clock-setting.schema.json',
  'clock-advance.schema.json',
  'error.schema.json',
];

/** A JSON Schema document, as read from disk. */
export type JsonSchema = Record<string, unknown> & { $id?: string; properties?: Record<string, JsonSchema> };

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);

/** Reads one schema file (the same relative path works from `src/` and from `dist/`). */
export function readSchema(file: SchemaFile): JsonSchema {
  return JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')) as JsonSchema;
}
