// End to end, in Debian's Chromium against the built site: what a visitor does and sees.
import { describe, expect, it } from 'vitest';

import { ARTIFACTS, collectProblems, numberIn, openPage as openSitePage, useSite, waitFor } from './browser';

const site = useSite();

const openPage = (path: string, viewport?: { width: number; height: number }) => openSitePage(site, path, viewport);


describe('the playground page', () => {
  it('default preset: Play forms the induction head (parent recovery reaches 0.9), Pause stops it', async () => {
    const { page, problems, foreign } = await openPage('');
    await page.getByTestId('play').click();
    await waitFor(async () => (await numberIn(page, 'parent-recovery')) >= 0.9, 90_000, 'parent recovery >= 0.9');
    const stepA = await numberIn(page, 'train-step');
    await waitFor(async () => (await numberIn(page, 'train-step')) > stepA, 10_000, 'the step count to rise');
    await page.screenshot({ path: `${ARTIFACTS}desktop.png`, fullPage: true });
    await page.getByTestId('pause').click();
    await page.waitForTimeout(400);
    const paused = await numberIn(page, 'train-step');
    await page.waitForTimeout(1500);
    expect(await numberIn(page, 'train-step')).toBe(paused);
    await page.getByTestId('step').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) === paused + 1, 5_000, 'one more step');
    expect(Number.isFinite(await numberIn(page, 'test-loss'))).toBe(true);
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it('two-head preset: it runs and shows both heads', async () => {
    const { page, problems } = await openPage('');
    await page.getByTestId('preset-trigram').click();
    await expect.poll(() => page.locator('#attention canvas').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await page.getByTestId('play').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) >= 100, 60_000, '100 steps');
    await page.getByTestId('pause').click();
    expect(page.url()).toContain('preset=trigram');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a bad URL parameter shows a notice and falls back to the default', async () => {
    const { page, problems } = await openPage('?S=1&zzz=3');
    const notices = page.getByTestId('notice');
    await expect.poll(() => notices.count()).toBe(2);
    expect(await notices.first().textContent()).toMatch(/S/);
    expect(await page.locator('#setting-S').inputValue()).toBe('10');
    await page.getByTestId('play').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) > 5, 30_000, 'training to run');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a diverging run is flagged with advice and never shows NaN', async () => {
    const { page, problems } = await openPage('?opt=sgd&lr=1000');
    await page.getByTestId('play').click();
    const error = page.getByTestId('error');
    await waitFor(async () => (await error.isVisible()) && /learning rate/.test((await error.textContent()) ?? ''), 30_000, 'the divergence message');
    expect(await page.getByTestId('test-loss').textContent()).not.toMatch(/NaN/);
    expect(await page.getByTestId('parent-recovery').first().textContent()).not.toMatch(/NaN/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('phone layout: fits 375 px without sideways scrolling', async () => {
    const { page, problems } = await openPage('', { width: 375, height: 812 });
    await page.getByTestId('play').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) > 30, 30_000, 'training to run');
    await page.getByTestId('pause').click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}phone.png`, fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('embed page renders and posts its height to the parent page', async () => {
    const context = await site.browser.newContext({ viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.setContent(`<!doctype html><body><script>
      window.heights = [];
      window.addEventListener('message', (e) => { if (e.data && e.data.type === 'causal-playground:height') window.heights.push(e.data.height); });
    </script><iframe id="f" src="${site.url}embed.html?preset=induction" style="width:720px;height:400px;border:0"></iframe></body>`);
    await waitFor(async () => (await page.evaluate(() => (window as unknown as { heights: number[] }).heights.length)) > 0, 20_000, 'a height message');
    const heights = await page.evaluate(() => (window as unknown as { heights: number[] }).heights);
    expect(Math.max(...heights)).toBeGreaterThan(200);
    const frame = page.frameLocator('#f');
    await frame.getByTestId('play').click();
    await waitFor(async () => Number((await frame.getByTestId('train-step').textContent())?.replace(/,/g, '')) > 10, 30_000, 'the embed to train');
    await page.screenshot({ path: `${ARTIFACTS}embed.png` });
    // ?embed=1 on the main page opens the embed page with the same settings.
    const direct = await context.newPage();
    await direct.goto(`${site.url}?embed=1&preset=trigram`);
    await waitFor(async () => /embed\.html\?preset=trigram$/.test(direct.url()), 10_000, 'the redirect to embed.html');
    expect(await direct.locator('#embed-preset').textContent()).toMatch(/Trigram/);
    expect(problems).toEqual([]);
    await context.close();
  });
});
