// npm run bench:size: what the page downloads on a first visit before it can train, each file
// gzipped (-9, as a static host would serve it), and the total against the 200 KB budget.
//
// Reads the built site (dist/, after `vite build`): index.html, the scripts and styles it links,
// the modules those import statically, the training worker they start, and the engine the worker
// loads, which is one of two builds: the SIMD one in current browsers (the total), the fallback
// one otherwise (its own total below). Code split off behind a dynamic import() that the first
// load does not reach is listed apart, and the service worker's precache (fetched after the
// page is up, for offline use) is only summed.
//
//   node bench/bundle-size.mjs [dist] [--json]
//
// tests/e2e/bundle-size.test.ts checks this list against what Chromium fetches, and bounds the total.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 200 * 1024;

export function gzipBytes(path) {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

// Files referenced from a built file, by kind.
function references(dist, file) {
  const text = readFileSync(join(dist, file), 'utf8');
  const found = (pattern) => [...text.matchAll(pattern)].map((match) => join('assets', match[1].replace(/^\.\//, '').replace(/^assets\//, '')));
  if (file.endsWith('.html')) {
    return {
      imports: found(/<(?:script[^>]*\ssrc|link[^>]*\shref)="(\.\/assets\/[^"]+\.(?:js|css))"/g),
      workers: [],
      dynamic: [],
      wasm: [],
    };
  }
  if (!file.endsWith('.js')) return { imports: [], workers: [], dynamic: [], wasm: [] };
  // The training worker starts with the page; the experiment workers only when an experiment runs.
  const workers = found(/new URL\("([^"]*worker[^"]*\.js)",\s*import\.meta\.url\)/g);
  const startsWithPage = (worker) => /training\.worker/.test(worker);
  return {
    imports: found(/(?:\bfrom|\bimport)\s*"(\.\/[^"]+\.(?:js|css))"/g),
    workers: workers.filter(startsWithPage),
    // Code behind import(), and the styles Vite loads with it (named in its preload lists).
    dynamic: [...found(/import\("(\.\/[^"]+\.js)"\)/g), ...found(/"\.\/([^"]+\.css)"/g), ...workers.filter((worker) => !startsWithPage(worker))],
    wasm: found(/new URL\("([^"]+\.wasm)",\s*import\.meta\.url\)/g),
  };
}

// Every file reached from `entries` through static imports and workers; dynamic imports
// and .wasm references are collected apart.
function reach(dist, entries) {
  const files = new Set();
  const dynamic = new Set();
  const wasm = new Set();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift();
    if (files.has(file)) continue;
    files.add(file);
    const refs = references(dist, file);
    queue.push(...refs.imports, ...refs.workers);
    refs.dynamic.forEach((f) => dynamic.add(f));
    refs.wasm.forEach((f) => wasm.add(f));
  }
  return { files, dynamic, wasm };
}

/**
 * The first load of `page` (index.html), for one engine build: [{file, bytes, gzip}], plus the
 * files split off behind dynamic imports that the first load does not fetch.
 */
export function firstLoad(dist = 'dist', { simd = true, page = 'index.html' } = {}) {
  const page_ = reach(dist, [page]);
  // The worker imports every engine glue module dynamically and picks one: on a first visit, the
  // core module of the variant the browser runs (web/engine/load.ts). The full modules come later,
  // when the visitor reaches Parts 2 and 3 or picks a model that only they have.
  const isEngine = (file) => /\/cpg(-nosimd)?(-core)?-[^/]*\.js$/.test(file);
  const isFirst = (file) => file.includes('cpg-nosimd') !== simd && file.includes('-core');
  const engineGlue = [...page_.dynamic].filter(isEngine).filter(isFirst);
  const engine = reach(dist, engineGlue);
  const wasm = [...engine.wasm, ...page_.wasm].filter(isFirst);
  const loaded = new Set([...page_.files, ...engine.files, ...wasm]);
  const laterEngine = [...page_.wasm].filter((file) => file.includes('cpg-nosimd') !== simd && !loaded.has(file));
  const later = [...page_.dynamic, ...engine.dynamic].filter((file) => (!isEngine(file) || (file.includes('cpg-nosimd') !== simd)) && !loaded.has(file));
  const laterFiles = [...reach(dist, later).files, ...laterEngine].filter((file) => !loaded.has(file));
  const row = (file) => ({ file, bytes: statSync(join(dist, file)).size, gzip: gzipBytes(join(dist, file)) });
  return { files: [...loaded].map(row), later: laterFiles.map(row) };
}

/** Every file the service worker precaches (its FILES list), gzipped, summed. */
// What sw.js caches after the first visit, gzipped, for a browser that runs the `engine` build
// (it leaves the other build's files out: vite.config.ts).
export function precache(dist = 'dist', engine = 'simd') {
  const source = readFileSync(join(dist, 'sw.js'), 'utf8');
  const builds = JSON.parse(source.match(/const ENGINE_BUILDS = (\{.*\});/)[1]);
  const skip = new Set(engine === 'simd' ? builds.fallback : builds.simd);
  const files = JSON.parse(source.match(/const FILES = (\[.*\]);/)[1])
    .filter((f) => !skip.has(f))
    .map((f) => (f === './' ? 'index.html' : f.replace(/^\.\//, '')));
  return files.reduce((sum, file) => sum + gzipBytes(join(dist, file)), 0);
}

const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(7);
const total = (rows) => rows.reduce((sum, r) => sum + r.gzip, 0);

function print(dist) {
  const simd = firstLoad(dist, { simd: true });
  const fallback = firstLoad(dist, { simd: false });
  console.log(`First load of ${dist}/index.html before the page can train (KB = 1024 bytes):`);
  console.log(`${'file'.padEnd(44)} ${'raw KB'.padStart(7)} ${'gzip KB'.padStart(7)}`);
  for (const r of simd.files) console.log(`${r.file.padEnd(44)} ${kb(r.bytes)} ${kb(r.gzip)}`);
  console.log(`${'total (SIMD engine)'.padEnd(44)} ${kb(simd.files.reduce((s, r) => s + r.bytes, 0))} ${kb(total(simd.files))}` +
    `   budget ${kb(BUDGET_BYTES).trim()} KB: ${total(simd.files) <= BUDGET_BYTES ? 'within' : 'OVER'}`);
  const swap = fallback.files.filter((r) => !simd.files.some((s) => s.file === r.file));
  for (const r of swap) console.log(`${('  fallback: ' + r.file).padEnd(44)} ${kb(r.bytes)} ${kb(r.gzip)}`);
  console.log(`${'total (fallback engine instead)'.padEnd(44)} ${kb(fallback.files.reduce((s, r) => s + r.bytes, 0))} ${kb(total(fallback.files))}` +
    `   budget: ${total(fallback.files) <= BUDGET_BYTES ? 'within' : 'OVER'}`);
  if (simd.later.length > 0) {
    console.log('Loaded later, on first use (dynamic import):');
    for (const r of simd.later) console.log(`${('  ' + r.file).padEnd(44)} ${kb(r.bytes)} ${kb(r.gzip)}`);
  }
  console.log(`Service worker precache after load (every file of the build, one engine build): ${kb(precache(dist, 'simd')).trim()} KB gzipped (SIMD), ` +
    `${kb(precache(dist, 'fallback')).trim()} KB (fallback)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const dist = args.find((a) => !a.startsWith('--')) ?? 'dist';
  if (!statSync(join(dist, 'index.html'), { throwIfNoEntry: false })) {
    console.error(`bundle-size: no ${dist}/index.html; run \`npx vite build\` first`);
    process.exit(1);
  }
  if (args.includes('--json')) console.log(JSON.stringify({ simd: firstLoad(dist, { simd: true }), fallback: firstLoad(dist, { simd: false }) }));
  else print(dist);
}
