// npx vite-node bench/fig9-wasm-step.mjs [steps] (it reads web/engine's TypeScript): one training step of Figure 9's recipes in the
// WebAssembly engine (SIMD build, in Node), as the page's experiment workers run them: graph 0
// of the sweep through Fig9GraphRun, the fast recipe (batch 64) and the authors' (batch 1024).
// Prints the median CPU ms per step over five repetitions (the process's own CPU time, so a
// busy shared machine does not inflate it; the wall time is printed too) and the time the page
// needs for the whole sweep (20 graphs) on 1, 3 and 7 workers at that rate (a worker per free
// core runs at about this rate).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { loadEngine, wasmFileName } from '../web/engine/load.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const generated = `${root}web/engine/generated/`;
const steps = Number(process.argv[2] ?? 20);

const engine = await loadEngine({ simd: true, wasmBinary: readFileSync(`${generated}${wasmFileName(true)}`) });

function msPerStep(recipeName, repetitionSteps) {
  const setup = engine.fig9Setup({ recipe: { name: recipeName } });  // throws on a bad setup
  const run = engine.fig9GraphRun(setup, 0);
  run.advance(3);  // warm up
  const cpu = [];
  const wall = [];
  for (let repetition = 0; repetition < 5; repetition++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const ran = run.advance(repetitionSteps);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000 / ran);
    wall.push((performance.now() - start) / ran);
  }
  run.dispose();
  const median = (values) => values.sort((a, b) => a - b)[2];
  return { setup, ms: median(cpu), wallMs: median(wall) };
}

const duration = (seconds) => (seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : seconds >= 60 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(0)} s`);
console.log('Figure 9, one training step in WebAssembly (SIMD, Node), median of 5 (CPU time):\n');
for (const [name, repetitionSteps] of [['fast', steps * 20], ['paper', steps]]) {
  const { setup, ms, wallMs } = msPerStep(name, repetitionSteps);
  const { graphs } = setup.settings;
  const perGraph = (ms * setup.recipe.steps) / 1000;
  const sweeps = [1, 3, 7].map((workers) => `${workers} worker${workers > 1 ? 's' : ''} ${duration(Math.ceil(graphs / workers) * perGraph)}`);
  console.log(
    `${name.padEnd(6)} batch ${String(setup.recipe.batch).padStart(4)}, ${setup.recipe.steps} steps/graph: ${ms.toFixed(3)} CPU ms/step ` +
      `(wall ${wallMs.toFixed(3)}), ` +
      `${duration(perGraph)} per graph; ${graphs} graphs: ${sweeps.join(', ')}`,
  );
}
