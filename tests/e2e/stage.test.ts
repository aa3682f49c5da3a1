// The stage in Chromium: one screen at 1280x720, a transition slow enough to watch, linked
// views, one Play/Pause button that keeps the focus, the S and R keys, axe-core, dark scheme.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { numberIn, openPage, useSite, waitFor } from './browser';

const site = useSite();
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DESK = { width: 1280, height: 720 };

const ready = (page: Page) => waitFor(() => page.getByTestId('play').isEnabled(), 20_000, 'the engine');

/** Serious and critical WCAG 2 A/AA violations found by axe-core. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

describe('the stage', () => {
  it('at 1280x720 the graph, the layer-1 map, the layer-2 strip, the loss chart and the presets are on screen, named', async () => {
    const { page, problems, context } = await openPage(site, '', DESK);
    const loading = page.getByTestId('engine-loading');
    expect(await loading.textContent()).toBe('Starting the engine…');
    await ready(page);
    expect(await loading.isHidden()).toBe(true);
    await waitFor(async () => (await page.locator('#attention canvas').count()) > 0, 10_000, 'the heat map');
    const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
    for (const selector of ['#graph-view svg', '#presets', '[data-testid="play"]']) {
      const b = await box(selector);
      expect(b.y, selector).toBeGreaterThanOrEqual(0);
      expect(b.y + b.height, selector).toBeLessThanOrEqual(DESK.height);
    }
    // The heat map: its plot on screen (only the colour legend under it may fall below).
    const map = await box('#attention canvas');
    expect(map.y + 0.8 * map.height).toBeLessThanOrEqual(DESK.height);
    // Beside it, at least partly visible.
    for (const selector of ['#loss-chart canvas', '#query-strip .qs-col']) {
      const b = await box(selector);
      expect(b.y, selector).toBeLessThan(DESK.height - 40);
      expect(b.x, selector).toBeGreaterThan(map.x + map.width - 1);
    }
    // Column j under token j: the centres of positions 0 and 19 sit over the map's plot.
    const centre = async (i: number) => {
      const b = await box(`#graph-view .gv-node[data-index="${i}"] circle`);
      return b.x + b.width / 2;
    };
    const spacing = ((await centre(19)) - (await centre(0))) / 19;
    expect(spacing).toBeGreaterThan(10);
    expect(await centre(0)).toBeGreaterThan(map.x);
    expect((await centre(19)) + spacing / 2).toBeLessThanOrEqual(map.x + map.width + 1);

    expect(await page.locator('#attention canvas').first().getAttribute('aria-label')).toMatch(/^Layer 1 · head 1/);
    expect(await page.locator('#loss-chart [role="img"]').getAttribute('aria-label')).toMatch(/loss/);
    expect(await page.locator('#graph-view svg').getAttribute('aria-label')).toMatch(/causal graph/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('at the default pace the rise of parent recovery from 0.3 to 0.9 takes seconds; the badge and the replay follow', async () => {
    const { page, problems, context } = await openPage(site, '', DESK);
    await ready(page);
    await page.getByTestId('play').click();
    // Timed in the page, every 20 ms, from the recovery on screen.
    const times = await page.evaluate(
      () =>
        new Promise<{ start: number; at03: number; at09: number }>((resolve, reject) => {
          const start = performance.now();
          let at03 = NaN;
          const read = () => Number(document.querySelector('[data-testid="parent-recovery"]')?.textContent ?? 'NaN');
          const timer = setInterval(() => {
            const value = read();
            const now = performance.now();
            if (Number.isNaN(at03) && value >= 0.3) at03 = now;
            if (value >= 0.9) {
              clearInterval(timer);
              resolve({ start, at03, at09: now });
            } else if (now - start > 60_000) {
              clearInterval(timer);
              reject(new Error(`recovery ${value} after 60 s`));
            }
          }, 20);
        }),
    );
    const rise = times.at09 - times.at03;
    console.log(`[stage] default pace: recovery 0.3 -> 0.9 in ${(rise / 1000).toFixed(2)} s; 0.9 reached ${((times.at09 - times.start) / 1000).toFixed(2)} s after Play`);
    expect(rise).toBeGreaterThanOrEqual(2000);
    expect(times.at09 - times.start).toBeLessThanOrEqual(15_000);
    const badge = page.getByTestId('phase-badge');
    await waitFor(() => badge.isVisible(), 5_000, 'the badge');
    expect(await badge.textContent()).toMatch(/^parent recovery passed 0\.5 at step \d+$/);

    await page.getByTestId('pause').click();
    const replay = page.getByTestId('replay');
    await waitFor(() => replay.isVisible(), 5_000, 'the replay button');
    await replay.click();
    await waitFor(async () => /^step \d/.test((await page.locator('#history-label').textContent()) ?? ''), 3_000, 'the replay to start');
    // Scrubbed: the counters show the replayed step, not the live one.
    const label = Number(((await page.locator('#history-label').textContent()) ?? '').replace(/[^0-9]/g, ''));
    expect(await numberIn(page, 'train-step')).toBe(label);
    await waitFor(async () => (await page.locator('#history-label').textContent()) === 'live', 15_000, 'the replay to end');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('Play/Pause is one button that keeps the focus; S steps, R resets; a changed setting marks the preset modified', async () => {
    const { page, problems, context } = await openPage(site, '', DESK);
    await ready(page);
    const button = page.locator('#play');
    await button.focus();
    await page.keyboard.press('Enter');
    await waitFor(async () => (await button.getAttribute('aria-label')) === 'Pause', 5_000, 'Pause');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('play');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await button.getAttribute('aria-label')) === 'Play', 5_000, 'Play');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('play');

    await page.locator('h1').click();
    await page.waitForTimeout(300);
    const before = await numberIn(page, 'train-step');
    await page.keyboard.press('s');
    await waitFor(async () => (await numberIn(page, 'train-step')) === before + 1, 5_000, 'S to step');
    await page.keyboard.press('r');
    await waitFor(async () => (await numberIn(page, 'train-step')) === 0, 5_000, 'R to reset');

    await page.locator('#advanced summary').click();
    await page.getByTestId('setting-lr').fill('0.04');
    await page.getByTestId('setting-lr').press('Enter');
    await page.getByTestId('setting-lr').blur();
    await waitFor(async () => /modified/.test((await page.getByTestId('preset-induction').textContent()) ?? ''), 5_000, 'the modified mark');
    // A setting's help opens from its "?" (a popover, so it works on touch too).
    await page.getByRole('button', { name: 'About Learning rate' }).click();
    await waitFor(() => page.locator('#setting-lr-help').isVisible(), 5_000, 'the help popover');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('hovering a heat-map cell marks its arc and tokens; hovering a token marks its row and its layer-2 column', async () => {
    const { page, problems, context } = await openPage(site, '', DESK);
    await ready(page);
    await waitFor(async () => (await page.locator('#attention canvas').count()) > 0, 10_000, 'the heat map');
    // Cell (5, 4), the parent of 5 in the chain: aim at the middle of column 4, row 5 (under the graph's nodes).
    const node = async (i: number) => (await page.locator(`#graph-view .gv-node[data-index="${i}"] circle`).boundingBox())!;
    const map = (await page.locator('#attention canvas').first().boundingBox())!;
    const spacing = ((await node(19)).x - (await node(0)).x) / 19;
    const four = await node(4);
    const x = four.x + four.width / 2;
    // Rows are as tall as columns are wide; find row 5 by scanning down for the tooltip's row.
    let found = false;
    for (let y = map.y + 20; y < map.y + map.height && !found; y += spacing / 2) {
      await page.mouse.move(x, y);
      const text = (await page.locator('#attention .hm-tooltip').textContent()) ?? '';
      found = /query position i\s*5(?!\d)/.test(text);
    }
    expect(found).toBe(true);
    await expect.poll(() => page.locator('#graph-view .gv-arc-hl[data-child="5"][data-parent="4"]').count()).toBe(1);
    expect(await page.locator('#graph-view .gv-hl').count()).toBe(2);
    await page.mouse.move(four.x + four.width / 2, four.y + four.height / 2);
    await expect.poll(() => page.locator('#attention .hm-row-mark:not([hidden])').count()).toBe(1);
    expect(await page.locator('#query-strip .qs-col--linked').count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the first visit shows three numbered callouts; each goes once it has served, and then they stay away until the "?" button', async () => {
    const { page, problems, context } = await openPage(site, '', DESK);
    await ready(page);
    const steps = page.getByTestId('tour-step');
    expect(await steps.count()).toBe(3);
    expect(await steps.allTextContents()).toEqual([expect.stringMatching(/^1.*graph/), expect.stringMatching(/^2.*Play/), expect.stringMatching(/^3.*outlined cells/)]);
    // Each callout sits beside what it points at (the graph, Play, the heat map), covering none of
    // them, nor the title or a control (the preset pills, the header's buttons).
    await page.waitForTimeout(500); // the callouts follow the page's last resize
    const boxes = await steps.evaluateAll((list) => list.map((c) => c.getBoundingClientRect().toJSON() as DOMRect));
    const anchors = [
      (await page.locator('#graph-view svg').boundingBox())!,
      (await page.locator('#play').boundingBox())!,
      (await page.locator('#attention canvas').first().boundingBox())!,
      (await page.locator('h1').boundingBox())!,
      ...(await page.locator('#presets button, header button').evaluateAll((list) => list.map((c) => c.getBoundingClientRect().toJSON() as DOMRect))),
    ];
    expect(anchors.length).toBeGreaterThan(8);
    for (const [k, box] of boxes.entries()) {
      for (const anchor of anchors) {
        const covers = box.x < anchor.x + anchor.width && anchor.x < box.x + box.width && box.y < anchor.y + anchor.height && anchor.y < box.y + box.height;
        expect(covers, `callout ${k + 1} over ${JSON.stringify(anchor)}`).toBe(false);
      }
    }
    // Play pressed, the graph's callout and Play's go: nothing covers the training figure but
    // "watch the outlined cells", which goes once recovery passes the target, and the tour with it.
    await page.getByTestId('play').click();
    await expect.poll(() => steps.evaluateAll((list) => list.map((c) => (c as HTMLElement).hidden))).toEqual([true, true, false]);
    await waitFor(async () => (await numberIn(page, 'parent-recovery')) >= 0.9, 60_000, 'parent recovery >= 0.9');
    await expect.poll(() => steps.count()).toBe(0);
    await page.getByTestId('pause').click();
    await page.reload();
    await ready(page);
    expect(await steps.count()).toBe(0);
    await page.locator('#tour-button').click();
    expect(await steps.count()).toBe(3);
    // Asked for again, they stay until "Got it".
    await page.waitForTimeout(500);
    expect(await steps.count()).toBe(3);
    await page.getByTestId('tour-dismiss').click();
    expect(await steps.count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a refused custom graph is drawn as a draft, never as the graph that trains', async () => {
    const { page, problems, context } = await openPage(site, '?preset=custom', DESK);
    await ready(page);
    const node = (i: number) => page.locator(`#graph-view .gv-node[data-index="${i}"]`);
    const svg = page.locator('#graph-view svg');
    const spec = () => decodeURIComponent(page.url()).match(/spec=([^&]*)/)?.[1] ?? '';
    // Position 6 gets parent 2, then 0, 1 and 3 as well: four parents, the most the engine takes.
    await node(6).click();
    await node(2).click();
    await waitFor(async () => spec() === '-;0;1;0;3;4;2;-', 10_000, 'the moved parent');
    for (const [added, want] of [[0, '0,2'], [1, '0,1,2'], [3, '0,1,2,3']] as const) {
      await node(added).click({ modifiers: ['Shift'] });
      await waitFor(async () => spec() === `-;0;1;0;3;4;${want};-;7`, 10_000, `parent ${added} added`);
    }
    // A fifth is refused: drawn as a draft, and the URL keeps the graph that trains.
    await node(4).click({ modifiers: ['Shift'] });
    await waitFor(() => page.locator('#graph-message').isVisible(), 10_000, 'the refusal');
    expect(await page.locator('#graph-message').textContent()).toMatch(/at most 4/);
    expect(await svg.getAttribute('class')).toMatch(/gv-draft/);
    expect(await svg.getAttribute('aria-label')).toMatch(/^Draft, not training/);
    expect(spec()).toBe('-;0;1;0;3;4;0,1,2,3;-;7');
    await node(4).click({ modifiers: ['Shift'] });
    await waitFor(async () => !/gv-draft/.test((await svg.getAttribute('class')) ?? ''), 10_000, 'the accepted graph');
    for (const removed of [0, 1, 3]) await node(removed).click({ modifiers: ['Shift'] });
    await waitFor(async () => spec() === '-;0;1;0;3;4;2;-', 10_000, 'the single-parent spec again');
    // + position / − position keep T and the spec in step.
    await page.getByTestId('add-position').click();
    await waitFor(async () => decodeURIComponent(page.url()).includes('spec=-;0;1;0;3;4;2;-;-'), 10_000, 'the longer spec');
    expect(await page.locator('#setting-T').inputValue()).toBe('9');
    await waitFor(async () => (await node(8).count()) === 1, 10_000, 'the new position');
    await page.getByTestId('remove-position').click();
    await page.getByTestId('remove-position').click();
    await waitFor(async () => decodeURIComponent(page.url()).includes('spec=-;0;1;0;3;4;-'), 10_000, 'the shorter spec');
    expect(await page.locator('#setting-T').inputValue()).toBe('7');
    expect(problems).toEqual([]);
    await context.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`axe-core finds no serious or critical WCAG 2 AA violation (${scheme})`, async () => {
      const context = await site.browser.newContext({ viewport: DESK, colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(site.url);
      await ready(page);
      await page.getByTestId('step').click();
      await page.waitForTimeout(500);
      const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const channels = background.match(/\d+/g)!.slice(0, 3).map(Number);
      const luminance = (channels[0] + channels[1] + channels[2]) / 3;
      if (scheme === 'dark') expect(luminance).toBeLessThan(60);
      else expect(luminance).toBeGreaterThan(200);
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
  }
});

describe('the embed, compact', () => {
  it('in a 720 px column it shows the graph row within about 760 px; ?autoplay, ?compact and ?height= work', async () => {
    const context = await site.browser.newContext({ viewport: { width: 900, height: 1000 } });
    const page = await context.newPage();
    const frameHeights = async (query: string) => {
      await page.setContent(`<!doctype html><body style="margin:0"><script>
        window.heights = [];
        window.addEventListener('message', (e) => { if (e.data && e.data.type === 'causal-playground:height') window.heights.push(e.data.height); });
      </script><iframe id="f" src="${site.url}embed.html?${query}" style="width:720px;height:1200px;border:0"></iframe></body>`);
      const frame = page.frameLocator('#f');
      await waitFor(async () => (await frame.locator('#graph-view svg .gv-node').count()) > 0, 20_000, 'the graph row');
      return frame;
    };
    const frame = await frameHeights('preset=induction&autoplay');
    // ?autoplay: it trains without a click.
    await waitFor(async () => Number((await frame.getByTestId('train-step').textContent())?.replace(/,/g, '')) > 10, 30_000, 'autoplay');
    const last = () => page.evaluate(() => (window as unknown as { heights: number[] }).heights.at(-1) ?? 0);
    expect(await last()).toBeGreaterThan(400);
    expect(await last()).toBeLessThanOrEqual(780);

    const compact = await frameHeights('preset=induction&compact&height=500');
    expect(await compact.locator('#embed-description').isHidden()).toBe(true);
    await waitFor(async () => (await last()) > 0, 10_000, 'a height message');
    expect(await last()).toBeLessThanOrEqual(500);
    expect(await compact.getByTestId('play').isEnabled()).toBe(true);
    // In a 335 px phone column the query strip's columns all fit (no sideways scrolling).
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 335, height: 800 });
    await phone.goto(`${site.url}embed.html?preset=induction`);
    await waitFor(async () => (await phone.locator('#query-strip .qs-col').count()) === 20, 20_000, 'the query strip');
    const [scrollWidth, clientWidth] = await phone.locator('#query-strip .qs-scroll').evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await context.close();
  });
});

describe('teaching without a network', () => {
  it('after one visit the page opens and trains with the network off (service worker, the SIMD build cached)', async () => {
    const { page, problems, context } = await openPage(site, '', DESK);
    await ready(page);
    expect(await page.locator('link[rel="manifest"]').count()).toBe(1);
    expect(await page.locator('meta[property="og:image"]').count()).toBe(1);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await waitFor(
      async () => page.evaluate(async () => {
        const names = await caches.keys();
        const keys = names.length ? await (await caches.open(names[0])).keys() : [];
        return keys.filter((request) => request.url.endsWith('.wasm')).length === 2;
      }),
      20_000,
      'the two .wasm files of the SIMD build (core and full) in the cache',
    );
    // Chromium runs the SIMD build, so the fallback build is not downloaded for the cache.
    const cached = await page.evaluate(async () => (await (await caches.open((await caches.keys())[0])).keys()).map((request) => request.url));
    expect(cached.filter((url) => /cpg-nosimd/.test(url))).toEqual([]);
    expect(cached.filter((url) => /\/cpg-(core-)?[^/]+\.wasm$/.test(url))).toHaveLength(2);
    await context.setOffline(true);
    await page.reload();
    await ready(page);
    await page.getByTestId('play').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) > 10, 30_000, 'training offline');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('exports that round-trip', () => {
  it('Load run restores the settings, the history and the scrubber, paused at the last step', async () => {
    const context = await site.browser.newContext({ viewport: DESK, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${site.url}?preset=tree`);
    await ready(page);
    await page.getByTestId('play').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) > 150, 60_000, '150 steps');
    await page.getByTestId('pause').click();
    await page.waitForTimeout(500);
    const [saved] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
    const path = await saved.path();
    const run = JSON.parse(readFileSync(path, 'utf8'));
    expect(run.train_loss.length).toBeGreaterThan(100);
    expect(run.snapshots.length).toBeLessThanOrEqual(200);
    const last = run.snapshots.at(-1).step;

    const fresh = await context.newPage();
    await fresh.goto(site.url);
    await ready(fresh);
    await fresh.getByTestId('load-run').setInputFiles(path);
    await waitFor(async () => (await numberIn(fresh, 'train-step')) === last, 10_000, 'the loaded run');
    expect(fresh.url()).toContain('preset=tree');
    expect(await fresh.locator('#play').getAttribute('aria-label')).toBe('Play');
    expect(await fresh.locator('#history').getAttribute('max')).toBe(String(run.snapshots.length - 1));
    expect(await fresh.locator('#history-label').textContent()).toBe('live');
    await fresh.locator('#history').evaluate((input: HTMLInputElement) => {
      input.value = '0';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await fresh.locator('#history-label').textContent()).toBe('step 0');
    expect(await numberIn(fresh, 'train-step')).toBe(0);
    await context.close();
  });
});
