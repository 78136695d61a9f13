// The package's version, read from package.json once when first asked.
import { readFileSync } from 'node:fs';
import { PACKAGE_JSON } from './paths.js';

let version: string | undefined;

/** The version in package.json, e.g. `0.1.0`. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;
  return version;
}
