// The JSON Schema documents the fake validates with and documents: the generic ones in `schemas/`,
// each resource's in its own folder, and the ones generated from the resource list (the state
// snapshot and the store file). One registry, by `$id`, for the validator and the OpenAPI builder.
import { readFileSync } from 'node:fs';
import { SCHEMA_DIR } from '../paths.js';

/** A JSON Schema document. */
export type JsonSchema = Record<string, unknown> & { $id?: string; title?: string; properties?: Record<string, JsonSchema> };

/** The generic schema files in `schemas/`, which name no resource. */
export const CORE_SCHEMA_FILES = [
  'api-keys.schema.json',
  'fault-rule.schema.json',
  'faults-file.schema.json',
  'journal-filter.schema.json',
  'clock-setting.schema.json',
  'clock-advance.schema.json',
  'error.schema.json',
] as const;

/** The id of a generic schema. */
export type CoreSchemaId = (typeof CORE_SCHEMA_FILES)[number];

/** Registered documents as JSON text, by id: each reader gets its own copy to change as it likes. */
const documents = new Map<string, string>();

function registerCore(): void {
  if (documents.size > 0) return;
  for (const file of CORE_SCHEMA_FILES) documents.set(file, readFileSync(new URL(file, SCHEMA_DIR), 'utf8'));
}

/**
 * Adds a schema document under its `$id`. Registering the same document again does nothing; a
 * different document under a taken id is a programming error.
 *
 * @example
 * registerSchema(JSON.parse(readFileSync(file, 'utf8')));
 */
export function registerSchema(schema: JsonSchema): void {
  registerCore();
  const id = schema.$id;
  if (typeof id !== 'string') throw new Error('a schema to register needs an $id');
  const text = JSON.stringify(schema);
  const known = documents.get(id);
  if (known !== undefined && JSON.stringify(JSON.parse(known)) !== text) throw new Error(`two different schemas have the id ${id}`);
  if (known === undefined) documents.set(id, text);
}

/** Every registered schema id, in the order they were registered. */
export function schemaIds(): string[] {
  registerCore();
  return [...documents.keys()];
}

/** One registered schema; each call gets its own copy. */
export function readSchema(id: string): JsonSchema {
  registerCore();
  const text = documents.get(id);
  if (text === undefined) throw new Error(`schema ${id} is not registered`);
  return JSON.parse(text) as JsonSchema;
}
