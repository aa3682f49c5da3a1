// The stage's finishing touches in Chromium: the preset pills on one row on a desktop; on a
// phone a legible readout W, a floating Play/Pause and tour callouts that keep out of each
// other's way; the two-parent preset's plateau, said up front and shaded from the run's own
// recovery; and a PNG export with its caption, the heads in a row and the loss chart's legend.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { numberIn, openPage, useSite, waitFor } from './browser';

const site = useSite();
const ready = (page: Page) => waitFor(() => page.getByTestId('play').isEnabled(), 20_000, 'the engine');
type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The top of every preset pill, in page order. */
const pillTops = (page: Page) =>
  page.locator('#presets .preset').evaluateAll((pills) => pills.map((pill) => Math.round(pill.getBoundingClientRect().top)));

describe('layout', () => {
  it('at 1280x720 the transport bar keeps still while a run trains (Play turns Pause, the speed reads auto: N/s, the counters grow)', async () => {
    const { page, problems, context } = await openPage(site, '', { width: 1280, height: 720 });
    await ready(page);
    const lefts = () => page.evaluate(() =>
      ['#speed', '#train-step', '#test-loss', '#history', '#advanced'].map((selector) => Math.round(document.querySelector(selector)!.getBoundingClientRect().left)));
    const before = await lefts();
    await page.getByTestId('play').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) >= 100, 60_000, 'step 100');
    expect(await page.locator('#speed-value').textContent()).toMatch(/auto: \d+\/s/);
    expect(await lefts()).toEqual(before);
    await page.getByTestId('pause').click();
    expect(problems).toEqual([]);
    await context.close();
  });

  for (const viewport of [{ width: 1280, height: 720 }, { width: 1440, height: 900 }]) {
    it(`at ${viewport.width}x${viewport.height} the eight preset pills share one row, chosen and modified too; so does the transport bar with Replay`, async () => {
      const { page, problems, context } = await openPage(site, '?preset=standard&seed=3', viewport);
      await ready(page);
      expect(await page.getByTestId('preset-standard').textContent()).toMatch(/modified/);
      const tops = await pillTops(page);
      expect(tops).toHaveLength(8);
      expect(new Set(tops).size, `pill tops ${tops.join(', ')}`).toBe(1);
      // Paused after a run, the Replay button joins the transport bar, which stays one row.
      await page.getByTestId('play').click();
      await waitFor(async () => (await numberIn(page, 'train-step')) > 30, 30_000, '30 steps');
      await page.getByTestId('pause').click();
      await waitFor(() => page.getByTestId('replay').isVisible(), 5_000, 'the replay button');
      const play = (await page.locator('#play').boundingBox())!;
      const advanced = (await page.locator('#advanced > summary').boundingBox())!;
      expect(advanced.y).toBeLessThan(play.y + play.height);
      expect(problems).toEqual([]);
      await context.close();
    });
  }

  it('phone: the readout W keeps legible cells (it scrolls sideways), Play floats by the figure, callouts keep apart', async () => {
    const phone = { width: 375, height: 812 };
    const { page, problems, context } = await openPage(site, '', phone);
    await ready(page);
    await page.waitForTimeout(500); // the callouts follow the page's last resize
    // The tour: three callouts, none over another, none over the control it points at, nor over Play.
    const callouts = await page.getByTestId('tour-step').evaluateAll((list) => list.map((c) => {
      const r = c.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }));
    expect(callouts).toHaveLength(3);
    const anchors = [
      (await page.locator('#graph-view svg').boundingBox())!,
      (await page.locator('#play').boundingBox())!,
      (await page.locator('#attention canvas').first().boundingBox())!,
    ];
    for (let a = 0; a < 3; a++) {
      expect(overlap(callouts[a], anchors[a]), `callout ${a + 1} over its anchor`).toBe(false);
      expect(overlap(callouts[a], anchors[1]), `callout ${a + 1} over Play`).toBe(false);
      expect(callouts[a].x).toBeGreaterThanOrEqual(0);
      expect(callouts[a].x + callouts[a].width).toBeLessThanOrEqual(phone.width);
      for (let b = a + 1; b < 3; b++) expect(overlap(callouts[a], callouts[b]), `callouts ${a + 1} and ${b + 1}`).toBe(false);
    }
    await page.getByTestId('tour-dismiss').click();

    // Play floats in the bottom-right corner, on screen wherever the page is scrolled, and works.
    const play = page.locator('#play');
    expect(await play.evaluate((button) => getComputedStyle(button).position)).toBe('fixed');
    await page.locator('#blocks-card summary').click();
    await page.locator('#blocks-card').scrollIntoViewIfNeeded();
    const floating = (await play.boundingBox())!;
    expect(floating.y + floating.height).toBeLessThanOrEqual(phone.height);
    expect(floating.x + floating.width).toBeLessThanOrEqual(phone.width);
    expect(floating.x).toBeGreaterThan(phone.width / 2);
    await play.click();
    await waitFor(async () => (await numberIn(page, 'train-step')) > 20, 30_000, 'training from the floating button');
    await page.getByTestId('pause').click();

    // The readout W (10 tokens by 120 stream features): cells of at least 6 px, scrolled inside its card, open at its end.
    const readout = page.locator('#blocks .blk-readout canvas');
    await waitFor(async () => (await readout.count()) === 1, 10_000, 'the readout');
    const size = await readout.evaluate((canvas: HTMLCanvasElement) => ({
      width: canvas.getBoundingClientRect().width,
      scrolls: canvas.parentElement!.scrollWidth > canvas.parentElement!.clientWidth,
      // It opens at its right end: the last layer's features, where the readout is learned.
      atEnd: canvas.parentElement!.scrollLeft + canvas.parentElement!.clientWidth >= canvas.parentElement!.scrollWidth - 1,
    }));
    expect(size.width).toBeGreaterThanOrEqual(120 * 6);
    expect(size.scrolls).toBe(true);
    expect(size.atEnd).toBe(true);
    // Scrolled to its end, its title still reads in the visible part (it follows the scroll).
    const titleInk = () => readout.evaluate((canvas: HTMLCanvasElement) => {
      const figure = canvas.parentElement!;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const data = canvas.getContext('2d')!.getImageData(Math.round(figure.scrollLeft * ratio), 0, Math.round(figure.clientWidth * ratio), Math.round(22 * ratio)).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 300) dark++;
      return dark;
    });
    await waitFor(async () => (await titleInk()) > 50, 5_000, 'the readout title in view');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    // Scrolled to the end (the paper's part loads as it comes into view), the page's last text
    // and figures end above the floating button: nothing stays hidden under it.
    let height = 0;
    for (let k = 0; k < 10 && height !== (await page.evaluate(() => document.documentElement.scrollHeight)); k++) {
      height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await page.waitForTimeout(400);
    }
    const lastBottom = await page.evaluate(() => Math.max(...[...document.querySelectorAll('p, li, h2, h3, canvas, svg, table, figcaption, footer')]
      .filter((e) => !e.closest('#play') && e.getClientRects().length > 0)
      .map((e) => e.getBoundingClientRect().bottom)));
    const button = (await play.boundingBox())!;
    expect(lastBottom, 'the last content ends above the floating Play').toBeLessThanOrEqual(button.y);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('two parents: the note says to expect the plateau, the chart shades it from the run, and the PNG has caption, heads in a row and legend', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
    // Every text a canvas draws, with the canvas's size (the PNG's own canvas is the widest).
    await context.addInitScript(() => {
      const drawn: { text: string; x: number; y: number; canvasWidth: number }[] = [];
      (window as unknown as { drawnTexts: typeof drawn }).drawnTexts = drawn;
      const fillText = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text: string, x: number, y: number, maxWidth?: number) {
        if (drawn.length < 50_000) drawn.push({ text, x, y, canvasWidth: this.canvas.width });
        return maxWidth === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, maxWidth);
      };
    });
    const page = await context.newPage();
    await page.goto(`${site.url}?preset=induction`);
    await ready(page);
    const note = page.getByTestId('stage-note');
    expect(await note.isVisible()).toBe(false);
    await page.getByTestId('preset-paper2').click();
    await waitFor(() => note.isVisible(), 5_000, 'the two-parent note');
    expect(await note.textContent()).toMatch(/sit on one parent .* before they split/);

    // At full speed, until the chart says it shades a plateau (found in the run's recovery, not at fixed steps).
    // Speed: the slider's "max" position.
    await page.locator('#speed').evaluate((input: HTMLInputElement) => {
      input.value = '6';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.getByTestId('play').click();
    const label = page.locator('#loss-chart [role="img"]');
    await waitFor(async () => /Shaded: plateau/.test((await label.getAttribute('aria-label')) ?? ''), 90_000, 'the plateau');
    await page.getByTestId('pause').click();
    const [, start, end] = ((await label.getAttribute('aria-label')) ?? '').match(/Shaded: plateau.*?, steps (\d+) to (\d+)/)!.map(Number);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    expect(await page.locator('#loss-chart .lc-legend').textContent()).toMatch(/plateau: one parent found, the other flat/);

    await page.evaluate(() => ((window as unknown as { drawnTexts: unknown[] }).drawnTexts.length = 0));
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-png').click()]);
    const png = readFileSync(await download.path());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const drawn = await page.evaluate(() => (window as unknown as { drawnTexts: { text: string; x: number; y: number; canvasWidth: number }[] }).drawnTexts);
    const onPng = drawn.filter((d) => d.canvasWidth === width).map((d) => d.text);
    // The caption: the task, then the settings with the seed; the recovery and the link under the panels.
    expect(onPng[0]).toBe("The paper's two-parent graph · graph paper2");
    expect(onPng[1]).toMatch(/^S = 5, T = 20, .*heads 2,1.* · seed 1 · step \d/);
    expect(onPng.some((t) => /^Parent recovery \(layer 1, per parent\): head 1 [\d.]+ \/ [\d.]+; head 2/.test(t))).toBe(true);
    expect(onPng.some((t) => t.startsWith(`Link: ${site.url}`))).toBe(true);
    // The two heads' maps in one row: the first two panels' titles share a line, side by side.
    const titles = drawn.filter((d) => d.canvasWidth === width && (d.text === '' || d.text === 'Causal graph' || d.text === 'Loss'));
    expect(titles.slice(0, 2).map((t) => t.text)).toEqual(['', '']);
    expect(titles[0].y).toBe(titles[1].y);
    expect(titles[1].x).toBeGreaterThan(titles[0].x);
    // The loss chart's legend, drawn into the export (the page's legend is HTML).
    const legend = drawn.filter((d) => d.text.startsWith('test loss') || d.text.startsWith('training (smoothed)') || d.text.startsWith('plateau: one parent found'));
    expect(legend.map((d) => d.text.replace(/ \(steps.*$/, ''))).toEqual(['test loss', 'training (smoothed)', 'plateau: one parent found, the other flat']);
    expect(width).toBeGreaterThan(800);
    expect(height).toBeGreaterThan(600);
    await context.close();
  });
});
