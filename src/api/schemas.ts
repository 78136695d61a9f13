// Registers the resources' schemas: their own files, and the two generated from the resource list
// (a state snapshot, as seed files, exports and imports are; and the store file).
import { readFileSync } from 'node:fs';
import { resourceSchemaUrl } from '../paths.js';
import { registerSchema, type JsonSchema } from '../validation/schemas.js';
import { declareBodySchema } from '../validation/validator.js';
import { collectionsOf, type ResourceModule } from './resource.js';

/** The id of the snapshot schema: seed files, `GET`/`PUT /__admin/state`. */
export const STATE_SCHEMA = 'state.schema.json';
/** The id of the store file schema. */
export const STORE_FILE_SCHEMA = 'store-file.schema.json';

function snapshotSchema(resources: readonly ResourceModule[]): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: STATE_SCHEMA,
    title: 'StateSnapshot',
    description:
      'Records by collection: a seed file (--seed FILE), an export (GET /__admin/state) or an import (PUT /__admin/state). Each entry names its orgId; other fields are filled in as a create would.',
    type: 'object',
    properties: Object.fromEntries(collectionsOf(resources).map((c) => [c.name, { type: 'array', items: { $ref: c.entrySchema } }])),
    required: collectionsOf(resources)
      .filter((c) => c.requiredInSnapshot)
      .map((c) => c.name),
    additionalProperties: false,
  };
}

function storeFileSchema(resources: readonly ResourceModule[]): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: STORE_FILE_SCHEMA,
    title: 'StoreFile',
    description: 'The JSON file the fake keeps its records in (--db PATH): one array per collection.',
    type: 'object',
    properties: Object.fromEntries(collectionsOf(resources).map((c) => [c.name, { type: 'array', items: { $ref: c.recordSchema } }])),
    // A file written before a resource existed has no array for it, and loads with none.
    required: collectionsOf(resources)
      .slice(0, 1)
      .map((c) => c.name),
    additionalProperties: false,
  };
}

/**
 * Registers every schema of these resources (idempotent), so that checks and documents can use them.
 *
 * @example
 * registerResourceSchemas(RESOURCES);
 * checkFor(STATE_SCHEMA)(JSON.parse(seedText));
 */
export function registerResourceSchemas(resources: readonly ResourceModule[]): void {
  for (const resource of resources) {
    for (const file of resource.schemaFiles) {
      registerSchema(JSON.parse(readFileSync(resourceSchemaUrl(resource.name, file), 'utf8')) as JsonSchema);
    }
    for (const operation of resource.operations) if (operation.body !== undefined) declareBodySchema(operation.body);
  }
  registerSchema(snapshotSchema(resources));
  registerSchema(storeFileSchema(resources));
}
