// Runs a CommonJS script compiled with a V8 code cache kept in a file (see src/cli-loader.ts, the
// bin, for why and what it measured).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { constants, Script } from 'node:vm';

/** How the cache file served this run: read and taken, refused by V8 (made by another build, Node or flags), or absent. */
export type CodeCacheUse = 'used' | 'refused' | 'none';

export interface CodeCacheRun {
  /** The CommonJS script to run, as a path; a first line `#!...` is read as a comment. */
  script: string;
  /** Where the cache is read from and written to. */
  cache: string;
  /**
   * Called when there is no cache to take, with the function that writes one: by the time it is
   * called, what the run compiled is in the cache too (lazily compiled functions included).
   */
  writeWhen: (write: () => void) => void;
}

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Writes the cache to a temporary file renamed into place, so that a run never reads half of one;
 * where it cannot be written, none is, and no temporary file is left behind.
 */
function writeCache(script: Script, path: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, path);
  } catch {
    rmSync(temporary, { force: true });
  }
}

/**
 * Runs the script as Node runs a CommonJS module (its own `require`, `module`, `__filename`),
 * compiled from the cache when V8 takes it; otherwise hands `writeWhen` the function that writes one.
 *
 * @example
 * runWithCodeCache({ script: bundlePath, cache: cachePath, writeWhen: (write) => setTimeout(write, 1_000).unref() }); // 'used'
 */
export function runWithCodeCache({ script: path, cache, writeWhen }: CodeCacheRun): CodeCacheUse {
  const cachedData = readCache(cache);
  // The wrapper on the first line (a shebang made a comment), so that every other line keeps its
  // number in stack traces.
  const source = readFileSync(path, 'utf8').replace(/^#!/, '//');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: path,
    ...(cachedData === undefined ? {} : { cachedData }),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const use: CodeCacheUse = cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'refused' : 'used';
  const scriptModule = { exports: {} };
  script.runInThisContext()(scriptModule.exports, createRequire(path), scriptModule, path, dirname(path));
  if (use !== 'used') writeWhen(() => writeCache(script, cache));
  return use;
}
