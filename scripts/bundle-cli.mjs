// Build step after tsc: bundles the CLI into one file, dist/cli.js. Node's ES module loader costs
// about a millisecond a file, and a cold start of the unbundled CLI loads some thirty of ours plus
// lowdb's and steno's. The CommonJS dependencies (express and the rest) stay external: Node loads
// those quickly, and they are the package's declared dependencies either way.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../src/cli.ts', import.meta.url).pathname],
  outfile: new URL('../dist/cli.js', import.meta.url).pathname,
  bundle: true,
  external: ['express', 'find-my-way', 'express-rate-limit', 'ajv', 'ajv/*', 'ajv-formats', 'yargs', 'yargs/*'],
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
