// The JSON Schema files in `schemas/`: the single source of truth for validation and the OpenAPI document.
import { readFileSync } from 'node:fs';
import { SCHEMA_DIR } from '../paths.js';

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


const read = new Map<SchemaFile, string>();

/** One schema file, read from disk once; each call gets its own copy to change as it likes. */
export function readSchema(file: SchemaFile): JsonSchema {
  let text = read.get(file);
  if (text === undefined) {
    text = readFileSync(new URL(file, SCHEMA_DIR), 'utf8');
    read.set(file, text);
  }
  return JSON.parse(text) as JsonSchema;
}
