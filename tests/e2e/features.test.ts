// End to end: editing a custom graph, replaying history, exporting, and the parameter blocks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { collectProblems, numberIn, useSite, waitFor } from './browser';

const site = useSite();


describe('playground features', () => {
  it('custom graph: a click moves the parent, Shift-click adds a second (the spec turns two-parent) or removes it; keys work too', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(`${site.url}?preset=custom`);
    await waitFor(() => page.getByTestId('play').isEnabled(), 20_000, 'the engine');
    const node = (i: number) => page.locator(`#graph-view .gv-node[data-index="${i}"]`);
    const spec = () => decodeURIComponent(page.url()).match(/spec=([^&]*)/)?.[1] ?? '';
    expect(await page.locator('#graph-view .gv-hint').textContent()).toMatch(/click a node to make it the parent; Shift-click to add a second/);
    // The preset's spec is -;0;1;0;3;4;5;- : select position 6, click 2, and 2 replaces 5 as its parent.
    await node(6).click();
    await node(2).click();
    await waitFor(async () => spec() === '-;0;1;0;3;4;2;-', 10_000, 'the moved parent in the URL');
    expect(await page.locator('#graph-view .gv-arc[data-child="6"]').count()).toBe(1);
    // Shift-click 5: a second parent. The graph becomes a two-parent one, written as the engine's
    // two-parent graphs are: T+1 entries, the last for the predicted token (its parent the query, 7).
    await node(5).click({ modifiers: ['Shift'] });
    await waitFor(async () => spec() === '-;0;1;0;3;4;2,5;-;7', 10_000, 'the second parent in the URL');
    const message = page.locator('#graph-message');
    expect(await message.isVisible()).toBe(false);
    expect(await page.locator('#graph-view .gv-arc[data-child="6"]').count()).toBe(2);
    // Two parents per position want two first-layer heads: the editor says so and offers the change.
    const hint = page.getByTestId('graph-hint');
    expect(await hint.textContent()).toMatch(/^Some positions now have 2 parents: with 2 first-layer heads, each parent can get a head of its own \(it has 1\)/);
    await page.getByTestId('use-heads').click();
    await waitFor(async () => /heads=2,1/.test(decodeURIComponent(page.url())), 10_000, 'heads 2,1 in the URL');
    expect(await hint.isVisible()).toBe(false);
    expect(spec()).toBe('-;0;1;0;3;4;2,5;-;7');
    // Shift-click it again: removed, and the spec is single-parent again.
    await node(5).click({ modifiers: ['Shift'] });
    await waitFor(async () => spec() === '-;0;1;0;3;4;2;-', 10_000, 'the single-parent spec again');
    expect(await page.locator('#graph-view .gv-arc[data-child="6"]').count()).toBe(1);
    // The keyboard: Enter on a focused node moves the parent of the selected position (6).
    await node(1).focus();
    await page.keyboard.press('Enter');
    await waitFor(async () => spec() === '-;0;1;0;3;4;1;-', 10_000, 'the parent moved by Enter');
    await node(3).focus();
    await page.keyboard.press('Shift+Enter');
    await waitFor(async () => spec() === '-;0;1;0;3;4;1,3;-;7', 10_000, 'Shift+Enter to add a second parent');
    await page.keyboard.press('Shift+Enter');
    await waitFor(async () => spec() === '-;0;1;0;3;4;1;-', 10_000, 'Shift+Enter to remove it');
    expect(await message.isVisible()).toBe(false);
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
    // The chart's readout (pointer elsewhere) reads the scrubbed step, as the toolbar does.
    const toolbarLoss = (await page.getByTestId('test-loss').textContent()) ?? '';
    await waitFor(async () => ((await page.locator('#loss-chart .lc-readout').textContent()) ?? '').includes(`test ${toolbarLoss}`),
      3_000, `the readout at the scrubbed step's test loss ${toolbarLoss}`);
    // Reset after a scrub is a fresh run: the label says so again.
    await page.getByTestId('reset').click();
    await waitFor(async () => (await page.locator('#history-label').textContent()) === 'live', 10_000, 'the label back at live');
    await page.getByTestId('play').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) > 300, 60_000, '300 steps again');
    await page.getByTestId('pause').click();

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
    // Opened, the parameters span the stage, and at 1440 px one head's A sits beside the whole of W
    // (no sideways scroll, so its title reads from its first word).
    const [card, stage, a1, readout] = await Promise.all(
      ['#blocks-card', '#figure', '#blocks .blk-grid', '#blocks .blk-readout figure'].map(async (selector) => (await page.locator(selector).boundingBox())!),
    );
    expect(card.width).toBeGreaterThan(stage.width - 60);
    expect(readout.x).toBeGreaterThan(a1.x + a1.width);
    expect(await page.locator('#blocks .blk-readout figure').evaluate((figure) => figure.scrollWidth <= figure.clientWidth)).toBe(true);

    // The standard transformer has only the data view: choosing it from the parameter view
    // checks the data-view radio and puts it in the link.
    expect(await page.locator('input[name="view"][value="parameter"]').isChecked()).toBe(true);
    await page.getByTestId('preset-standard').click();
    await waitFor(async () => page.locator('input[name="view"][value="batch"]').isChecked(), 10_000, 'the data-view radio');
    expect(page.url()).not.toMatch(/view=parameter/);
    expect(problems).toEqual([]);
    await context.close();
  });
});
