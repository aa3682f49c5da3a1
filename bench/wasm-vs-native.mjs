// npm run bench (vite-node bench/wasm-vs-native.mjs, which reads web/engine's TypeScript): one training step, native against WebAssembly in Node, in one run.
//
// Settings: the paper's (chain, S=10, T=20, heads 1,1, batch 1024) and the two-head preset
// (trigram, S=5, T=20, heads 2,1, batch 1024). A step is what the page pays for: sampling a
// batch, the fast forward and backward, and the Adam update.
//   native: Google Benchmark's BM_TrainerStep in build/native/bench_step
//   wasm:   Engine.step(1) of the SIMD and the fallback module, timed with performance.now
// Also prints the size of each module's .wasm and .js, raw and gzipped.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

import { loadEngine, wasmFileName } from '../web/engine/load.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const generated = `${root}web/engine/generated/`;
const settings = [
  { name: 'chain (paper)', native: 0, config: { graph: 'chain', S: 10, T: 20, heads: [1, 1], batch: 1024, init_std: 0.1, test_size: 16 } },
  { name: 'trigram, 2 heads', native: 1, config: { graph: 'trigram', S: 5, T: 20, heads: [2, 1], batch: 1024, init_std: 0.1, test_size: 16 } },
];

function nativeMsPerStep() {
  const output = execFileSync(`${root}build/native/bench_step`, [
    '--benchmark_filter=BM_TrainerStep', '--benchmark_format=json', '--benchmark_repetitions=5',
    '--benchmark_report_aggregates_only=true', '--benchmark_min_time=1',
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const medians = JSON.parse(output).benchmarks.filter((b) => b.aggregate_name === 'median');
  // The filter also matches BM_TrainerStepSampledAhead (the sampler on a thread of its own).
  const byName = (prefix) => medians.filter((b) => b.run_name.startsWith(prefix)).map((b) => b.real_time);
  return { oneThread: byName('BM_TrainerStep/'), sampledAhead: byName('BM_TrainerStepSampledAhead/') };  // ms, by Arg order
}

// V8 compiles WebAssembly in two tiers: a quick baseline first, then, in the background, the
// optimized code of the functions that run hot. A second of steps before timing lets that finish.
function warmUp(engine) {
  const start = performance.now();
  while (performance.now() - start < 1000) engine.step(5);
}

async function wasmMsPerStep(simd, kind, config) {
  const engine = await loadEngine({ simd, kind, wasmBinary: readFileSync(`${generated}${wasmFileName(simd, kind)}`) });
  engine.configure(config);  // throws, naming the field, on a bad config
  warmUp(engine);
  const times = [];
  for (let repetition = 0; repetition < 5; repetition++) {
    const steps = 20;
    const start = performance.now();
    engine.step(steps);
    times.push((performance.now() - start) / steps);
  }
  engine.dispose();
  times.sort((a, b) => a - b);
  return times[2];  // median
}

// Median ms per step of the SIMD modules of `kinds`, stepped in turn (10 steps each, 15 rounds).
async function pairedMsPerStep(config, kinds) {
  const engines = [];
  for (const kind of kinds) {
    const engine = await loadEngine({ simd: true, kind, wasmBinary: readFileSync(`${generated}${wasmFileName(true, kind)}`) });
    engine.configure(config);
    warmUp(engine);
    engines.push(engine);
  }
  const times = kinds.map(() => []);
  for (let round = 0; round < 15; round++) {
    engines.forEach((engine, k) => {
      const start = performance.now();
      engine.step(10);
      times[k].push((performance.now() - start) / 10);
    });
  }
  engines.forEach((engine) => engine.dispose());
  return times.map((list) => list.sort((a, b) => a - b)[7]);
}

function sizes(file) {
  const wasm = readFileSync(`${generated}${file}.wasm`), js = readFileSync(`${generated}${file}.js`);
  return { wasm: wasm.length, wasmGz: gzipSync(wasm, { level: 9 }).length, js: js.length, jsGz: gzipSync(js, { level: 9 }).length };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const native = nativeMsPerStep();
console.log('One training step (sample a batch of 1024, forward, backward, Adam), median ms:\n');
console.log('setting            native   wasm SIMD   wasm fallback   SIMD/native   fallback/SIMD');
const measured = [];
for (const setting of settings) {
  const simd = await wasmMsPerStep(true, 'full', setting.config);
  const fallback = await wasmMsPerStep(false, 'full', setting.config);
  const nativeMs = native.oneThread[setting.native];
  measured.push({ nativeMs, simd, fallback });
  console.log(
    `${setting.name.padEnd(18)} ${nativeMs.toFixed(2).padStart(6)}   ${simd.toFixed(2).padStart(9)}   ${fallback.toFixed(2).padStart(13)}   ` +
      `${(simd / nativeMs).toFixed(2).padStart(10)}x   ${(fallback / simd).toFixed(2).padStart(12)}x`,
  );
}
// The goals of issue 13 at the paper's setting (the first row).
const { nativeMs, simd, fallback } = measured[0];
const goal = (name, value, limit, unit = '') =>
  console.log(`  ${name.padEnd(22)} ${value.toFixed(2).padStart(6)}${unit}  goal <= ${limit}${unit}  ${value <= limit ? 'met' : 'not met'}`);
console.log('\nGoals at the paper\'s setting:');
goal('native ms per step', nativeMs, 5);
// Natively the sampler can draw the next batch on a spare core (cpg train --sample-ahead auto/on).
console.log(`  ${'native, sampler ahead'.padEnd(22)} ${native.sampledAhead[0].toFixed(2).padStart(6)} ms per step, wall (two threads; trigram: ${native.sampledAhead[1].toFixed(2)})`);
goal('WASM SIMD ms per step', simd, 6);
goal('WASM SIMD / native', simd / nativeMs, 1.15);
goal('WASM SIMD / fallback', simd / fallback, 0.6);
// The page's first visit trains on the core module (cmake/wasm.cmake): the same code, linked apart
// and partly built for size. Both are stepped in turn in one process, so the machine's drift
// falls on both alike.
const [core, full] = await pairedMsPerStep(settings[0].config, ['core', 'full']);
console.log(`  ${'core module, SIMD'.padEnd(22)} ${core.toFixed(2).padStart(6)} ms per step (the full module, in turn with it: ${full.toFixed(2)})`);
// Each model at the paper's chain setting (bench_step's BM_ModelKindStep: lr 0.01, test set 16).
console.log('\nEach model, chain (S=10, T=20, heads 1,1, batch 1024, Adam lr 0.01), median ms per step:\n');
console.log('model                native   wasm SIMD   wasm fallback');
const kinds = JSON.parse(execFileSync(`${root}build/native/bench_step`, [
  '--benchmark_filter=BM_ModelKindStep', '--benchmark_format=json', '--benchmark_repetitions=5',
  '--benchmark_report_aggregates_only=true', '--benchmark_min_time=1',
], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).benchmarks.filter((b) => b.aggregate_name === 'median');
for (const [index, [name, model, mlp]] of [['CatFormer', 'catformer', 'off'], ['CatFormer + MLP', 'catformer', 'on'], ['standard', 'standard', 'off']].entries()) {
  const config = { ...settings[0].config, model, mlp, lr: 0.01 };
  const [simdMs, fallbackMs] = [await wasmMsPerStep(true, 'full', config), await wasmMsPerStep(false, 'full', config)];
  console.log(`${name.padEnd(18)} ${kinds[index].real_time.toFixed(2).padStart(6)}   ${simdMs.toFixed(2).padStart(9)}   ${fallbackMs.toFixed(2).padStart(13)}`);
}

console.log('\nModule sizes (gzip -9):\n');
for (const file of ['cpg', 'cpg-nosimd', 'cpg-core', 'cpg-nosimd-core']) {
  const s = sizes(file);
  console.log(`${file.padEnd(16)} .wasm ${kb(s.wasm)} (${kb(s.wasmGz)} gz)   .js ${kb(s.js)} (${kb(s.jsGz)} gz)   total ${kb(s.wasmGz + s.jsGz)} gz`);
}
