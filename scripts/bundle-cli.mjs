// Build step after tsc: bundles the CLI into one file, dist/cli-bundle.cjs, which the bin
// (dist/cli.js) runs. Node's module loaders cost about a millisecond a file, and a cold start of the
// unbundled CLI would load some forty-five files of ours, thirty-three of yargs' and over a hundred
// of express's. So yargs (which parses every command line) and express go into the bundle too.
// Measured (CPU time from spawn to the ready line, medians of 31 interleaved starts): 0.97x a bare
// Express app, against 1.16x with only yargs bundled and 1.22x with neither. Left out is only what
// the fake loads through createRequire when it needs it: ajv when a schema is not precompiled,
// express-rate-limit when a key is limited. (A transitive dependency such as iconv-lite cannot be
// left out: installed, it need not be where the bundle would look for it.)
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const BUNDLE = new URL('../dist/cli-bundle.cjs', import.meta.url);

// yargs' ES module build lays out --help with cliui's ES module build, which cuts lines every N
// characters, mid-word; its CommonJS build wraps at word boundaries. Take that one.
const cliuiThatWrapsWords = {
  name: 'cliui-commonjs',
  setup(build) {
    build.onResolve({ filter: /^cliui$/ }, ({ importer }) => ({ path: createRequire(importer).resolve('cliui') }));
  },
};

// iconv-lite's double-byte tables (GBK, Shift_JIS, Big5, EUC-KR, ...) are a fifth of the bundle,
// read and parsed at every start, and never used: the fake decodes bodies through express.json
// alone, which answers 415 to every charset but UTF-8, UTF-16 and UTF-32 before it decodes.
const withoutDoubleByteTables = {
  name: 'iconv-lite-without-double-byte-tables',
  setup(build) {
    build.onLoad({ filter: /[\\/]iconv-lite[\\/]encodings[\\/]tables[\\/][^\\/]+\.json$/ }, ({ path }) => ({
      contents: `throw new Error(${JSON.stringify(`athenty-fake's bundle leaves out ${path.split(/[\\/]/).pop()}: JSON bodies are UTF-8, -16 or -32`)});`,
      loader: 'js',
    }));
  },
};

// The CLI as one CommonJS script, which dist/cli.js (src/cli-loader.ts) compiles with a V8 code
// cache (see there): vm.Script takes a script, not an ES module. `import.meta` has no CommonJS
// equivalent, so the two uses of it are given the bundle's own. Whitespace is left out (names are
// kept, for stack traces): the bin reads the whole file at every start, on the bench's machine at
// about 14 ms a megabyte. With both, spawn to the ready line went from 264 to 244 ms (medians of 21
// interleaved starts, the code cache in use; bare Express 221 ms).
await build({
  entryPoints: [new URL('../src/cli.ts', import.meta.url).pathname],
  outfile: BUNDLE.pathname,
  bundle: true,
  external: ['express-rate-limit', 'ajv', 'ajv/*', 'ajv-formats'],
  define: { 'import.meta.url': '__bundleUrl', 'import.meta.resolve': '__bundleResolve' },
  banner: {
    js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;\nconst __bundleResolve = (specifier) => require('node:url').pathToFileURL(require.resolve(specifier)).href;",
  },
  plugins: [cliuiThatWrapsWords, withoutDoubleByteTables],
  minifyWhitespace: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});

// The bin: the loader, under the CLI's shebang (src/cli.ts's first line, which says how node is
// started), told the bundle's digest so that a cache of another build is never used.
const shebang = readFileSync(new URL('../src/cli.ts', import.meta.url), 'utf8').split('\n', 1)[0];
const digest = createHash('sha256').update(readFileSync(BUNDLE)).digest('hex');
await build({
  entryPoints: [new URL('../src/cli-loader.ts', import.meta.url).pathname],
  outfile: new URL('../dist/cli.js', import.meta.url).pathname,
  bundle: true,
  define: { BUNDLE_DIGEST: JSON.stringify(digest) },
  banner: { js: shebang },
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
