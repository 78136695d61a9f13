// Where the package's own files are. One module at the top of src/ (and of dist/, where the CLI is
// also bundled into one file), so every path stays right however the code is laid out.
import { fileURLToPath } from 'node:url';

/** The package folder: the one holding package.json, schemas/ and fixtures/. */
export const PACKAGE_ROOT = new URL('../', import.meta.url);

/** The code folder: src/ when run from source, dist/ when built. */
const CODE_ROOT = new URL('./', import.meta.url);

/** The generic JSON Schema files. */
export const SCHEMA_DIR = new URL('schemas/', PACKAGE_ROOT);

/** The fixtures shipped with the package. */
export const PACKAGE_FIXTURES = {
  keys: fileURLToPath(new URL('fixtures/api-keys.json', PACKAGE_ROOT)),
  seed: fileURLToPath(new URL('fixtures/clients.json', PACKAGE_ROOT)),
  /** Snapshots of further collections, read with the default seed (each file holds its own collections). */
  seedCompanions: [fileURLToPath(new URL('fixtures/requests.json', PACKAGE_ROOT))],
};

export const PACKAGE_JSON = new URL('package.json', PACKAGE_ROOT);

/** The inspector page's files (plain HTML, CSS and ES modules; the build copies them to dist/). */
export const INSPECTOR_DIR = fileURLToPath(new URL('admin/ui/', CODE_ROOT));

/** A resource's schema file, in its folder (the build copies them beside the compiled code). */
export function resourceSchemaUrl(resource: string, file: string): URL {
  return new URL(`resources/${resource}/schemas/${file}`, CODE_ROOT);
}

/** The outbound queues' worker thread: the compiled module when built, the TypeScript one from source (under tsx). */
export const OUTBOUND_WORKER = new URL(`http/outbound-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, CODE_ROOT);

/** The validators the build precompiles next to this module (dist/validators/); absent beside src/. */
export function precompiledValidator(id: string): string {
  return fileURLToPath(new URL(`./validators/${id}.cjs`, import.meta.url));
}
