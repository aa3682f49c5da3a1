// End to end: editing a custom graph, replaying history, exporting, and the parameter blocks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { collectProblems, numberIn, useSite, waitFor } from './browser';

const site = useSite();


describe('playground features', () => {
  it('custom graph: clicking a child then its parents edits the graph; an invalid graph is refused with a message', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(`${site.url}?preset=custom`);
    await waitFor(() => page.getByTestId('play').isEnabled(), 20_000, 'the engine');
    const node = (i: number) => page.locator(`#graph-view .gv-node[data-index="${i}"]`);
    // The preset's spec is -;0;1;0;3;4;5;- : give position 6 a second parent (2), which a
    // single-parent graph refuses, then drop its old parent (5), which makes it valid again.
    await node(6).click();
    await node(2).click();
    const message = page.locator('#graph-message');
    await waitFor(() => message.isVisible(), 10_000, 'the refusal message');
    expect(await message.textContent()).toMatch(/several parents|parent/);
    await node(5).click();
    await waitFor(async () => !(await message.isVisible()), 10_000, 'the message to clear');
    await waitFor(async () => decodeURIComponent(page.url()).includes('spec=-;0;1;0;3;4;2;-'), 10_000, 'the URL to hold the new graph');
    await page.getByTestId('play').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) > 20, 30_000, 'training on the edited graph');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('history: dragging the scrubber while paused shows an earlier step; export gives PNG and JSON files', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(site.url);
    await page.getByTestId('play').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) > 300, 60_000, '300 steps');
    await page.getByTestId('pause').click();
    await page.locator('#history').evaluate((input: HTMLInputElement) => {
      input.value = '1';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const label = (await page.locator('#history-label').textContent()) ?? '';
    expect(label).toMatch(/^step \d/);
    expect(Number(label.replace(/[^0-9]/g, ''))).toBeLessThan(300);

    const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#export-png').click()]);
    const png = readFileSync(await pngDownload.path());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);

    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
    const run = JSON.parse(readFileSync(await jsonDownload.path(), 'utf8'));
    expect(run.config.graph).toBe('chain');
    expect(run.snapshots.length).toBeGreaterThan(2);
    expect(run.snapshots[0].attention_parameter_view[0]).toHaveLength(20 * 20);

    await page.locator('#blocks-card summary').click();
    await waitFor(async () => (await page.locator('#blocks canvas').count()) >= 2, 10_000, 'the A and W maps');
    expect(problems).toEqual([]);
    await context.close();
  });
});
