// End to end: the key-lemma view and the paper's experiments on the page.
import { describe, expect, it } from 'vitest';

import { ARTIFACTS, collectProblems, useSite, waitFor } from './browser';

const site = useSite();


describe('the science sections', () => {
  it('the lemma view finds every parent; an experiment shows progress, can be cancelled, and keeps a partial result', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(site.url);
    await page.getByTestId('lemma-run').click();
    const summary = page.getByTestId('lemma-summary');
    await waitFor(async () => /positions have their largest gradient entry/.test((await summary.textContent()) ?? ''), 30_000, 'the lemma view');
    const [hits, total] = ((await summary.textContent()) ?? '').match(/(\d+) of (\d+)/)!.slice(1).map(Number);
    expect(hits).toBe(total);
    expect(await page.locator('#lemma canvas').count()).toBe(4);

    // The recipe shown is the engine's, the one `cpg reproduce fig9` runs.
    await waitFor(async () => /^Recipe: 20 graphs .* 8000 steps per graph/.test((await page.locator('#fig9-recipe').textContent()) ?? ''), 30_000, 'the recipe');
    await page.getByTestId('fig9-run').click();
    await waitFor(async () => /graph 1 of 20: step [1-9]/.test((await page.locator('#fig9-status').textContent()) ?? ''), 30_000, 'progress');
    // The live run keeps working while the experiment runs.
    await page.getByTestId('step').click();
    await page.getByTestId('fig9-cancel').click();
    await waitFor(async () => /cancelled/i.test((await page.getByTestId('fig9-result').textContent()) ?? ''), 30_000, 'the cancelled result');
    await page.locator('#lemma-card').screenshot({ path: `${ARTIFACTS}lemma.png` });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('Figure 8 runs the standard transformer with progress and cancel, and labels its map the data view', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(site.url);
    await waitFor(async () => /^Recipe: the authors' .*AdamW, learning rate 0.01, weight decay 0.0002, cosine schedule, batch 1024, 4096 steps/.test((await page.locator('#fig8-recipe').textContent()) ?? ''), 30_000, 'the recipe');
    await page.getByTestId('fig8-run').click();
    await waitFor(async () => /step [1-9]\d* of 4096/.test((await page.locator('#fig8-status').textContent()) ?? ''), 60_000, 'progress');
    await page.getByTestId('fig8-cancel').click();
    await waitFor(async () => /cancelled/i.test((await page.getByTestId('fig8-result').textContent()) ?? ''), 60_000, 'the cancelled result');
    expect(await page.getByTestId('fig8-result').textContent()).toMatch(/^Parent recovery \(data view\): 0\.\d{3}; test loss above Bayes/);
    expect(await page.locator('#fig8-attention [aria-label*="data view"]').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
