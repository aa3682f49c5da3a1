// End to end: the key-lemma view and the paper's experiments on the page.
import { describe, expect, it } from 'vitest';

import { ARTIFACTS, collectProblems, scrollTo, useSite, waitFor } from './browser';

const site = useSite();


describe('the science sections', () => {
  it('the lemma view finds every parent; an experiment shows progress, can be cancelled, and keeps a partial result', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(site.url);
    await scrollTo(page, '#lemma-card');
    await page.getByTestId('lemma-run').click();
    const summary = page.getByTestId('lemma-summary');
    await waitFor(async () => /positions have their largest gradient entry/.test((await summary.textContent()) ?? ''), 30_000, 'the lemma view');
    const [hits, total] = ((await summary.textContent()) ?? '').match(/(\d+) of (\d+)/)!.slice(1).map(Number);
    expect(hits).toBe(total);
    expect(await page.locator('#lemma canvas').count()).toBe(4);

    // The recipes shown are the engine's, the ones `cpg reproduce fig9 [--recipe paper]` runs.
    await scrollTo(page, '#reproduce-card');  // the recipes come from the full module, asked for when Part 3 is near
    await waitFor(async () => /^Recipe: 20 graphs .*The fast recipe: SGD.* 8,000 steps per graph/.test((await page.locator('#fig9-recipe').textContent()) ?? ''), 30_000, 'the recipe');
    expect(await page.locator('#fig9-recipe').textContent()).toMatch(/The authors’ recipe: SGD, learning rate 1 constant, batch 1024, 16,384 steps per graph/);
    // The authors' recipes too long for a page: their result in a sentence, the command a click away.
    for (const [id, command] of [
      ['fig5-native-note', 'npm run build:native && ./build/native/cpg reproduce fig5 --recipe paper'],
      ['fig2-native-note', 'npm run build:native && ./build/native/cpg reproduce fig2 --recipe paper --jobs 2'],
    ]) {
      const note = page.getByTestId(id);
      const code = note.locator('code').first();
      expect(await code.isVisible()).toBe(false);
      await note.locator('summary').click();
      expect(await code.isVisible()).toBe(true);
      expect(await code.textContent()).toBe(command);
    }
    await expect(page.getByTestId('fig9-run-paper').textContent()).resolves.toMatch(/authors’ recipe/);
    await page.getByTestId('fig9-run').click();
    await waitFor(async () => /^The fast recipe: 0 of 20 graphs done on \d+ workers?/.test((await page.getByTestId('fig9-status').textContent()) ?? ''), 30_000, 'progress');
    // The live run keeps working while the experiment runs.
    await page.getByTestId('step').click();
    await page.getByTestId('fig9-cancel').click();
    await waitFor(async () => /cancelled/i.test((await page.getByTestId('fig9-result').textContent()) ?? ''), 30_000, 'the cancelled result');
    expect(await page.getByTestId('fig9-run').isVisible()).toBe(true);
    await page.locator('#lemma-card').screenshot({ path: `${ARTIFACTS}lemma.png` });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('Figure 9 at a reduced budget draws each graph as it finishes, with an ETA and the paper band, on the pool', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 720 } });
    await context.addInitScript(() => {
      (window as unknown as { __cpgFig9Budget: unknown }).__cpgFig9Budget = { graphs: 4, steps: 1500 };
    });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(site.url);
    await scrollTo(page, '#reproduce-card');
    await waitFor(async () => !(await page.getByTestId('fig9-run').isDisabled()), 30_000, 'the recipes');
    await page.getByTestId('fig9-run').click();
    const status = page.getByTestId('fig9-status');
    await waitFor(async () => /steps\/s · about .* left/.test((await status.textContent()) ?? ''), 60_000, 'an ETA');
    const drawn = async () => Number(await page.locator('.fig9-chart').getAttribute('data-graphs'));
    await waitFor(async () => (await drawn()) >= 1, 60_000, 'the first graph');
    expect(await page.locator('.fig9-chart .lc-legend-list').textContent()).toMatch(/the paper: 0\.837 ± 0\.054/);
    await waitFor(async () => (await status.textContent()) === 'done', 120_000, 'the sweep');
    expect(await drawn()).toBe(4);
    expect(await page.getByTestId('fig9-result').textContent()).toMatch(/^The fast recipe: mean attention on the parent 0\.\d{3} ± 0\.\d{3} over 4 graphs, in \d+ s/);
    const row = page.locator('[data-testid="fig9-compare"] tr[data-recipe="fast"]');
    expect(await row.textContent()).toMatch(/0\.\d{3} ± 0\.\d{3}.*4 of 4/);
    await page.locator('#fig9-run').scrollIntoViewIfNeeded();
    await page.locator('.experiment:has(#fig9-chart)').screenshot({ path: `${ARTIFACTS}fig9.png` });
    // The authors' recipe starts too, and its cancel brings the buttons back.
    await page.getByTestId('fig9-run-paper').click();
    await waitFor(async () => /^The authors’ recipe: 0 of 4 graphs done/.test((await status.textContent()) ?? ''), 30_000, 'the authors’ recipe running');
    await page.getByTestId('fig9-cancel').click();
    await waitFor(async () => page.getByTestId('fig9-run-paper').isVisible(), 30_000, 'the buttons back');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('Figure 8 runs the standard transformer with progress and cancel, and labels its map the data view', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(site.url);
    await scrollTo(page, '#reproduce-card');
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
