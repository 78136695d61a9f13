// The bin (built into dist/cli.js, under src/cli.ts's shebang): runs the bundled CLI,
// dist/cli-bundle.cjs, compiled with a V8 code cache kept beside it. Node 20 compiles the bundle
// anew at every start (Node 22 brought a module compile cache; Node 20 has none). Measured on the
// 2-core machine of the bench, spawn to the ready line with the bin's node flags, medians of 21
// interleaved starts, the bundle then 1.9 MB: 318 ms without the cache, 266 ms with it, 236 ms for a
// bare Express app.
//
// The cache is written once a start has run for a second (by then the server and its first answers
// are compiled; a `--help`, or a start that fails, writes none). Its name holds the bundle's digest,
// Node's version, the architecture and a digest of the node flags (V8 refuses a cache made under
// other flags, so the bin's shebang, a plain `node dist/cli.js` and a profiling run each keep their
// own). A cache V8 refuses all the same is written again by the next start that runs for a second.
// A package folder that cannot be written (a global install by another user) keeps no cache: the
// CLI then starts as it did without one.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from './code-cache.js';

/** The bundle's SHA-256, in hex: set by the build (scripts/bundle-cli.mjs). */
declare const BUNDLE_DIGEST: string;

const WRITE_CACHE_AFTER_MS = 1_000;

const flags = createHash('sha256')
  .update([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\n'))
  .digest('hex')
  .slice(0, 8);

runWithCodeCache({
  script: fileURLToPath(new URL('./cli-bundle.cjs', import.meta.url)),
  cache: fileURLToPath(
    new URL(`./cli-bundle.${BUNDLE_DIGEST.slice(0, 16)}.${process.version}-${process.arch}.${flags}.v8cache`, import.meta.url),
  ),
  writeWhen: (write) => setTimeout(write, WRITE_CACHE_AFTER_MS).unref(),
});
