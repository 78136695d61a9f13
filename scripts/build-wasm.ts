// Compiles the WebAssembly text modules under src/ (line-scanner.wat) into a TypeScript module
// beside each, holding its binary as base64, so that the build, the bundle and the tests from
// source all load it without a toolchain. Run after editing a .wat file; a test checks the two agree.
// Usage: npm run build:wasm
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

/** A .wat module, the .ts module it is built into, and the name of the constant there. */
interface WasmModule {
  wat: string;
  ts: string;
  name: string;
}

/** The .wat modules and the .ts module each is built into. */
export const WASM_MODULES: readonly WasmModule[] = [
  { wat: 'src/store/line-scanner.wat', ts: 'src/store/line-scanner-wasm.ts', name: 'LINE_SCANNER_WASM' },
];

const root = new URL('../', import.meta.url);

/** The TypeScript module text for a .wat module's source. */
export async function wasmModuleText({ wat, name }: WasmModule): Promise<string> {
  const wabt = await wabtInit();
  // Shared memory is a feature of the threads proposal.
  const features = { threads: true };
  const parsed = wabt.parseWat(wat, readFileSync(new URL(wat, root), 'utf8'), features);
  try {
    // wabt's types leave out validate's features; without them it refuses a shared memory.
    (parsed as unknown as { validate(features: object): void }).validate(features);
    const { buffer } = parsed.toBinary({});
    const base64 = Buffer.from(buffer).toString('base64');
    return `// Built from ${wat.replace(/^src\/store\//, '')} by scripts/build-wasm.ts: edit that file and run the script.\nexport const ${name} =\n  '${base64}';\n`;
  } finally {
    parsed.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const module of WASM_MODULES) writeFileSync(new URL(module.ts, root), await wasmModuleText(module));
}
