// npm run bench:page: is the main thread smooth while training? Serves the built site, plays
// the default preset in Chromium for a minute (SECONDS to change), and reports the long tasks
// (over 50 ms) the browser saw on the main thread, and the steps trained. Target: none.
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const seconds = Number(process.env.SECONDS_TO_PLAY ?? 60);
const preset = process.env.PRESET ?? 'induction';
const server = await preview({ configFile: new URL('../vite.config.ts', import.meta.url).pathname, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'silent' });
const { port } = server.httpServer.address();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`http://127.0.0.1:${port}/?preset=${preset}`);
  await page.getByTestId('play').click();
  await page.waitForTimeout(1000);
  const startTasks = await page.evaluate(() => window.__longTasks.length);  // page load is not training
  const startStep = Number((await page.getByTestId('train-step').textContent()).replace(/,/g, ''));
  await page.waitForTimeout(seconds * 1000);
  const tasks = (await page.evaluate(() => window.__longTasks)).slice(startTasks);
  const endStep = Number((await page.getByTestId('train-step').textContent()).replace(/,/g, ''));
  const recovery = await page.getByTestId('parent-recovery').first().textContent();
  console.log(`preset ${preset}, ${seconds} s of play in Chromium (1440x900):`);
  console.log(`  steps trained:        ${endStep - startStep} (${((endStep - startStep) / seconds).toFixed(0)} steps/s)`);
  console.log(`  parent recovery:      ${recovery}`);
  console.log(`  long tasks (> 50 ms): ${tasks.length}${tasks.length ? `, longest ${Math.max(...tasks.map((t) => t.duration)).toFixed(0)} ms` : ''}`);
} finally {
  await browser.close();
  server.httpServer.close();
}
