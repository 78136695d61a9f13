// Build step after tsc: bundles the CLI into one file, dist/cli.js. Node's module loaders cost about
// a millisecond a file, and a cold start of the unbundled CLI would load some forty-five files of
// ours, thirty-three of yargs' and over a hundred of express's. So yargs (which parses every command
// line) and express go into the bundle too. Measured (CPU time from spawn to the ready line, medians
// of 31 interleaved starts): 0.97x a bare Express app, against 1.16x with only yargs bundled and
// 1.22x with neither. Left out is only what the fake loads through createRequire when it needs it:
// ajv when a schema is not precompiled, express-rate-limit when a key is limited. (A transitive
// dependency such as iconv-lite cannot be left out: installed, it need not be where dist/cli.js
// would look for it.)
import { createRequire } from 'node:module';
import { build } from 'esbuild';

// yargs' ES module build lays out --help with cliui's ES module build, which cuts lines every N
// characters, mid-word; its CommonJS build wraps at word boundaries. Take that one.
const cliuiThatWrapsWords = {
  name: 'cliui-commonjs',
  setup(build) {
    build.onResolve({ filter: /^cliui$/ }, ({ importer }) => ({ path: createRequire(importer).resolve('cliui') }));
  },
};

await build({
  entryPoints: [new URL('../src/cli.ts', import.meta.url).pathname],
  outfile: new URL('../dist/cli.js', import.meta.url).pathname,
  bundle: true,
  external: ['express-rate-limit', 'ajv', 'ajv/*', 'ajv-formats'],
  // The bundled CommonJS modules (express's) require Node's built-ins; an ES module has no
  // `require` of its own, so esbuild's shim would throw without this one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  plugins: [cliuiThatWrapsWords],
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
