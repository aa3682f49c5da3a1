// End to end: the key-lemma view follows the graph on the stage, computes on first view, and
// takes α as an input.
import { describe, expect, it } from 'vitest';

import { ARTIFACTS, openPage, useSite, waitFor } from './browser';

const site = useSite();

describe('the key-lemma view', () => {
  it('computes on first view for the graph on the stage, follows a new stage graph, and takes α', async () => {
    const { context, page, problems } = await openPage(site, '');
    const summary = page.getByTestId('lemma-summary');
    const source = page.getByTestId('lemma-source');
    const text = async (locator: typeof summary) => (await locator.textContent()) ?? '';
    // Nothing is computed while the card is below the fold.
    await page.getByTestId('play').waitFor();
    await waitFor(async () => !(await page.getByTestId('step').isDisabled()), 30_000, 'the engine');
    expect(await text(summary)).toBe('');

    // Scrolled into view, it computes without a click, on the stage's chain (S = 10, T = 20, α = 0.1).
    await page.locator('#lemma-card').scrollIntoViewIfNeeded();
    await waitFor(async () => /largest gradient entry/.test(await text(summary)), 30_000, 'the lemma view on first view');
    expect(await text(source)).toMatch(/^The graph on the stage: chain, S = 10, T = 20, α = 0.1\./);
    const [hits, total] = (await text(summary)).match(/(\d+) of (\d+)/)!.slice(1).map(Number);
    expect(total).toBe(18);
    expect(hits).toBe(total);

    // A new stage graph with two parents per position: the view falls back to a tree, and says why.
    await page.getByTestId('preset-trigram').click();
    await waitFor(async () => /^Showing a random tree .*more than one parent/.test(await text(source)), 30_000, 'the fallback');
    await waitFor(async () => /of 8 positions/.test(await text(summary)), 30_000, 'the tree view');

    // α is an input: a bad value is refused by name and range, and the last view stays.
    const alpha = page.getByTestId('lemma-alpha');
    await alpha.fill('-1');
    await page.getByTestId('lemma-run').click();
    const error = page.locator('#lemma-error');
    await waitFor(async () => error.isVisible(), 10_000, 'the α error');
    expect(await error.textContent()).toMatch(/α must be a number in \[0\.001, 100\]/);
    expect(await text(summary)).toMatch(/of 8 positions/);
    await alpha.fill('0.5');
    await page.getByTestId('lemma-run').click();
    await waitFor(async () => /α = 0.5/.test(await text(source)) && !(await error.isVisible()), 30_000, 'α = 0.5');
    await page.locator('#lemma-card').screenshot({ path: `${ARTIFACTS}lemma-alpha.png` });
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("the theorem's rate", () => {
  it("draws cpg reproduce rate's result: the error against T on log-log axes, its slope, and the recipe", async () => {
    const { context, page, problems } = await openPage(site, '', { width: 1280, height: 720 });
    const card = page.locator('#rate-card');
    await card.scrollIntoViewIfNeeded();
    // Parts 2 and 3 load once the engine is up.
    await waitFor(async () => ((await page.getByTestId('rate-summary').textContent()) ?? '') !== '', 30_000, 'the rate figure');
    const summary = (await page.getByTestId('rate-summary').textContent()) ?? '';
    expect(summary).toMatch(/^Measured natively \(cpg reproduce rate .*\): the error falls from [\d.]+ at T = 8 to [\d.]+ at T = 64, a log-log slope of −[\d.]+; the theorem's rate is −1\./);
    expect(summary).toMatch(/nats above Bayes/);
    expect(await page.locator('#rate-recipe').textContent()).toMatch(/^Recipe \(.*\): the chain with S = \d+/);
    const chart = page.locator('#rate-chart [role="img"]');
    expect(await chart.getAttribute('aria-label')).toMatch(/T = 8: [\d.]+, T = 16: [\d.]+, T = 32: [\d.]+, T = 64: [\d.]+/);
    expect(await page.locator('#rate-chart canvas').count()).toBe(1);
    await card.screenshot({ path: `${ARTIFACTS}rate.png` });
    expect(problems).toEqual([]);
    await context.close();
  });
});
