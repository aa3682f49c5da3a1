// End to end: the lab. Two workers train side by side; ablating the first-layer head of a
// trained run sends the loss up and restoring it brings it back; the out-of-distribution
// probe beats the uniform guess; run to step N stops exactly there.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { numberIn, openPage, scrollTo, useSite, waitFor } from './browser';

const site = useSite();

const testLoss = async (page: import('playwright-core').Page) => Number((await page.getByTestId('test-loss').textContent()) ?? NaN);

describe('the lab', () => {
  it('compare: a second run trains in its own worker, in step with Play and Pause, and is in the link', async () => {
    const { context, page, problems } = await openPage(site, '?preset=induction');
    await waitFor(() => page.getByTestId('play').isEnabled(), 20_000, 'the engine');
    await scrollTo(page, '#lab');
    // A bad value is refused with the form's name for the setting and its range; no run is added.
    await page.getByTestId('compare-vary').selectOption('lr');
    await page.getByTestId('compare-value').fill('-1');
    await page.getByTestId('compare').click();
    const refusal = page.locator('#lab .field-error[role="alert"]').first();
    await waitFor(async () => /^Learning rate.*range/.test((await refusal.textContent()) ?? ''), 5_000, 'the refusal naming the learning rate');
    expect(await page.getByTestId('run-panel').count()).toBe(0);
    // Another setting starts empty, saying the run's value; that same value is refused too.
    await page.getByTestId('compare-vary').selectOption('T');
    expect(await page.getByTestId('compare-value').inputValue()).toBe('');
    expect(await page.getByTestId('compare-value').getAttribute('placeholder')).toBe('now 20');
    await page.getByTestId('compare').click();
    await waitFor(async () => /is empty: give an integer in \[3, 64\]/.test((await refusal.textContent()) ?? ''), 5_000, 'the empty value refused');
    await page.getByTestId('compare-value').fill('20');
    await page.getByTestId('compare').click();
    await waitFor(async () => /is already 20 in this run/.test((await refusal.textContent()) ?? ''), 5_000, 'the same value refused');
    expect(await page.getByTestId('run-panel').count()).toBe(0);
    await page.getByTestId('compare-vary').selectOption('seed');
    await page.getByTestId('compare-value').fill('7');
    await page.getByTestId('compare').click();
    await waitFor(async () => (await page.getByTestId('run-panel').count()) === 1, 20_000, 'the run panel');
    expect(await page.getByTestId('run-panel').first().textContent()).toMatch(/Seed = 7/i);
    await waitFor(async () => decodeURIComponent(page.url()).includes('vary=seed:7'), 5_000, 'the link to hold the comparison');
    await page.getByTestId('play').click();
    const counter = page.getByTestId('run-panel').first().getByTestId('train-step');
    await waitFor(async () => Number(((await counter.textContent()) ?? '0').replace(/,/g, '')) > 50, 30_000, 'the compared run to train');
    await waitFor(async () => (await numberIn(page, 'train-step')) > 50, 30_000, 'the playground run to train');
    // Under the auto pace (slowed for the climb) the compared run keeps the same pace: in step on the chart.
    const [main, compared] = [await numberIn(page, 'train-step'), Number(((await counter.textContent()) ?? '0').replace(/,/g, ''))];
    expect(compared, `compared run at ${compared}, this run at ${main}`).toBeLessThan(1.5 * main + 60);
    await page.getByTestId('pause').click();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const a = Number(((await counter.textContent()) ?? '0').replace(/,/g, ''));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(Number(((await counter.textContent()) ?? '0').replace(/,/g, ''))).toBe(a);  // paused together
    expect(problems).toEqual([]);
    await context.close();
  });

  it('compare: a link with vary=seed:2,3 opens with both compared runs', async () => {
    const { context, page, problems } = await openPage(site, '?preset=induction&vary=seed:2,3');
    await waitFor(async () => (await page.getByTestId('run-panel').count()) === 2, 30_000, 'two run panels');
    expect(await page.getByTestId('run-panel').nth(1).textContent()).toMatch(/Seed = 3/i);
    await waitFor(async () => decodeURIComponent(page.url()).includes('vary=seed:2,3'), 20_000, 'the link to keep the comparison');
    // The lab loads after the page's run started; Play still plays the linked runs with it.
    await page.getByTestId('play').click();
    const steps = (i: number) => page.getByTestId('run-panel').nth(i).getByTestId('train-step');
    await waitFor(async () => Number(((await steps(1).textContent()) ?? '0').replace(/,/g, '')) > 20, 30_000, 'the linked runs training');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('compare: the JSON export holds every run, and loading it brings the comparison back', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${site.url}?preset=induction&vary=seed:5`);
    await waitFor(async () => (await page.getByTestId('run-panel').count()) === 1, 30_000, 'the run panel');
    await waitFor(async () => decodeURIComponent(page.url()).includes('vary=seed:5'), 20_000, 'the link');
    await page.getByTestId('run-to-step').fill('60');
    await page.getByTestId('run-to').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) === 60, 30_000, 'step 60');
    const [saved] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
    const path = await saved.path();
    const run = JSON.parse(readFileSync(path, 'utf8'));
    expect(run.compared_runs).toHaveLength(1);
    expect(run.compared_runs[0]).toMatchObject({ varied: 'seed', value: '5' });

    const fresh = await context.newPage();
    await fresh.goto(site.url);
    await waitFor(() => fresh.getByTestId('play').isEnabled(), 20_000, 'the engine');
    await fresh.getByTestId('load-run').setInputFiles(path);
    await waitFor(async () => (await fresh.getByTestId('run-panel').count()) === 1, 30_000, 'the compared run back');
    expect(await fresh.getByTestId('run-panel').first().textContent()).toMatch(/Seed = 5/i);
    await context.close();
  });

  it('ablation, run to N and the probe on a trained induction run', async () => {
    const { context, page, problems } = await openPage(site, '?preset=induction&speed=0');
    await waitFor(() => page.getByTestId('play').isEnabled(), 20_000, 'the engine');
    await scrollTo(page, '#lab');
    // Before any intervention the log says so, and "Run to step" offers a step ahead of the run.
    await waitFor(async () => /None yet/.test((await page.getByTestId('intervention-log').textContent()) ?? ''), 10_000, 'the empty log');
    expect(Number(await page.getByTestId('run-to-step').inputValue())).toBeGreaterThan(await numberIn(page, 'train-step'));
    await page.getByTestId('run-to-step').fill('600');
    await page.getByTestId('run-to').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) === 600 && (await page.getByTestId('play').isVisible()), 60_000, 'step 600, paused');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await numberIn(page, 'train-step')).toBe(600);
    const trained = await testLoss(page);
    expect(Number.isFinite(trained)).toBe(true);

    await page.getByTestId('ablate-1-1').click();
    await waitFor(async () => (await page.getByTestId('ablate-1-1').getAttribute('aria-pressed')) === 'true', 10_000, 'the ablation');
    await waitFor(async () => (await testLoss(page)) > trained + 0.2, 10_000, 'the loss to rise');
    expect(await page.getByTestId('intervention-log').textContent()).toMatch(/step 600: ablate 1:1 zero/);
    await page.getByTestId('ablate-1-1').click();
    await waitFor(async () => (await page.getByTestId('ablate-1-1').getAttribute('aria-pressed')) === 'false', 10_000, 'the restore');
    await waitFor(async () => Math.abs((await testLoss(page)) - trained) < 0.005, 10_000, 'the loss to come back');

    // Freeze A1: training goes on (the loss moves) but the first layer's attention does not.
    await page.getByTestId('freeze-A1').check();
    await waitFor(async () => /freeze A1/.test((await page.getByTestId('intervention-log').textContent()) ?? ''), 10_000, 'the freeze');
    const recoveryBefore = await page.getByTestId('parent-recovery').textContent();
    const lossBefore = await testLoss(page);
    await page.getByTestId('run-to-step').fill('800');
    await page.getByTestId('run-to').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) === 800 && (await page.getByTestId('play').isVisible()), 60_000, 'step 800');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await testLoss(page)).not.toBe(lossBefore);
    expect(await page.getByTestId('parent-recovery').textContent()).toBe(recoveryBefore);
    expect(await page.getByTestId('freeze-A1').isChecked()).toBe(true);

    await page.getByTestId('probe-run').click();
    const result = page.getByTestId('ood-result');
    await waitFor(async () => /Over 1,000 sequences/.test((await result.textContent()) ?? ''), 20_000, 'the probe');
    const numbers = ((await result.textContent()) ?? '').match(/by (\d+\.\d+)/g)!.map((m) => Number(m.slice(3)));
    const [model, , uniform] = numbers;
    expect(model).toBeLessThan(uniform);
    expect(problems).toEqual([]);
    await context.close();
  });
});
