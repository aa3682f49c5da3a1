// npm run bench:memory: does the tab's memory stay bounded on a long run? Serves the built site
// (dist/), plays the fastest settings (S=2, T=3, one head, batch 1, no speed limit) in Chromium
// and samples, every SAMPLE seconds, the main thread's JS heap (CDP Performance.getMetrics) and
// the memory (proportional set size) of the Chromium processes this benchmark started: the tab
// is the largest renderer, which holds the page, the training worker and its WebAssembly memory;
// "all Chromium" adds the browser, GPU and utility processes. Target: the tab under 300 MB after
// 30 minutes. The learning rate is lowered to 0.001 so that batches of one do not diverge.
//
//   node bench/page-memory.mjs            30 minutes
//   node bench/page-memory.mjs 3          3 minutes
//   node bench/page-memory.mjs quick      1 minute
import { readFileSync, readdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const arg = process.argv[2];
const minutes = arg === 'quick' ? 1 : Number(arg ?? process.env.MINUTES ?? 30);
if (!(minutes > 0)) throw new Error(`minutes must be a positive number or "quick" (got ${arg})`);
const sampleSeconds = Number(process.env.SAMPLE ?? (minutes <= 5 ? 15 : 60));
const TARGET_MB = 300;
const SEARCH = '?S=2&T=3&heads=1&batch=1&lr=0.001&speed=0';

/** Memory (MB, proportional set size) of the Chromium processes below `root`, by process type. */
function residentBelow(root) {
  const parent = new Map();
  const info = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      // Proportional set size: shared pages (libraries, shared memory) split among their users,
      // so the processes' sum is the memory they really take.
      const rollup = readFileSync(`/proc/${name}/smaps_rollup`, 'utf8');
      const rss = Number(/Pss:\s+(\d+)/.exec(rollup)?.[1] ?? 0) / 1024;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const type = /--type=([a-z-]+)/.exec(cmdline)?.[1] ?? 'browser';
      parent.set(Number(name), ppid);
      info.set(Number(name), { rss, type, chromium: /chrom/i.test(cmdline) });
    } catch {
      // the process ended while we read it
    }
  }
  const below = (pid) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  const byType = {};
  for (const [pid, { rss, type, chromium: isChromium }] of info) {
    if (!isChromium || !below(pid)) continue;
    byType[type] = (byType[type] ?? 0) + rss;
    if (type === 'renderer') byType.largestRenderer = Math.max(byType.largestRenderer ?? 0, rss);
  }
  return byType;
}

const server = await preview({ configFile: new URL('../vite.config.ts', import.meta.url).pathname, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'silent' });
const { port } = server.httpServer.address();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const rows = [];
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`http://127.0.0.1:${port}/${SEARCH}`);
  await page.getByTestId('play').click();
  const started = Date.now();
  const sample = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
    const step = Number(((await page.getByTestId('train-step').textContent()) ?? '0').replace(/,/g, ''));
    const byType = residentBelow(process.pid);
    const row = {
      minutes: (Date.now() - started) / 60_000,
      step,
      mainHeapMB: heap,
      rendererMB: byType.largestRenderer ?? 0,
      allChromiumMB: Object.entries(byType).reduce((sum, [type, mb]) => sum + (type === 'largestRenderer' ? 0 : mb), 0),
      error: (await page.getByTestId('error').isVisible()) ? await page.getByTestId('error').textContent() : '',
    };
    rows.push(row);
    console.log(
      `${row.minutes.toFixed(1).padStart(5)} min  step ${String(row.step).padStart(12)}  main-thread JS heap ${row.mainHeapMB.toFixed(1).padStart(6)} MB  ` +
        `tab (renderer + worker + WASM) ${row.rendererMB.toFixed(0).padStart(5)} MB  all Chromium ${row.allChromiumMB.toFixed(0).padStart(5)} MB${row.error ? `  error: ${row.error}` : ''}`,
    );
  };
  console.log(`page memory: ${SEARCH} at full speed for ${minutes} min (target: tab under ${TARGET_MB} MB)`);
  await sample();
  while (Date.now() - started < minutes * 60_000) {
    await page.waitForTimeout(Math.min(sampleSeconds * 1000, minutes * 60_000 - (Date.now() - started)));
    await sample();
  }
  const peak = Math.max(...rows.map((r) => r.rendererMB));
  const last = rows[rows.length - 1];
  console.log(`peak tab memory ${peak.toFixed(0)} MB, last ${last.rendererMB.toFixed(0)} MB after ${last.step.toLocaleString('en-US')} steps: ${peak < TARGET_MB ? 'under' : 'OVER'} the ${TARGET_MB} MB target`);
  process.exitCode = peak < TARGET_MB && !last.error ? 0 : 1;
} finally {
  await browser.close();
  server.httpServer.close();
}
