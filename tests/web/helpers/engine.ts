// The built WebAssembly engine in Node, for the web suites: one place that reads a variant's
// .wasm bytes (Node's fetch does not read file URLs, so web/engine/load.ts takes them as
// `wasmBinary`) and loads it. Needs `npm run build:wasm` (npm test runs it).
import { readFile } from 'node:fs/promises';

import { loadEngine, loadModule, wasmFileName, type CpgModule, type Engine, type ModuleKind } from '../../../web/engine/load';

export interface TestEngineOptions {
  /** The SIMD build (default) or the plain WebAssembly 1.0 fallback. */
  simd?: boolean;
  /** The full module (default) or the first visit's core module. */
  kind?: ModuleKind;
}

/** The bytes of a built variant's .wasm file. */
export async function readTestWasm({ simd = true, kind = 'full' }: TestEngineOptions = {}): Promise<Uint8Array> {
  return readFile(new URL(`../../../web/engine/generated/${wasmFileName(simd, kind)}`, import.meta.url));
}

/** The module of a built variant, as web/engine/wire.ts presents it. */
export async function loadTestModule({ simd = true, kind = 'full' }: TestEngineOptions = {}): Promise<CpgModule> {
  return (await loadModule({ simd, kind, wasmBinary: await readTestWasm({ simd, kind }) })).module;
}

/** The wrapped engine of a built variant, as the worker uses it. */
export async function loadTestEngine({ simd = true, kind = 'full' }: TestEngineOptions = {}): Promise<Engine> {
  return loadEngine({ simd, kind, wasmBinary: await readTestWasm({ simd, kind }) });
}
