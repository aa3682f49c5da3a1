// Every failure path recovers, in Chromium against the built site: a refused link, a burst of
// Resets, Pause at the largest allowed model, a dead worker, a failed load, a flood of stray keys.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { numberIn, openPage as openSitePage, useSite, waitFor } from './browser';

const site = useSite();

const openPage = (path: string) => openSitePage(site, path);

const enabled = (page: Page, id: string) => page.getByTestId(id).isEnabled();

async function controlsEnabled(page: Page): Promise<void> {
  await waitFor(async () => (await enabled(page, 'play')) && (await enabled(page, 'step')) && (await enabled(page, 'reset')), 30_000, 'Play, Step and Reset to be enabled');
}

async function trains(page: Page): Promise<void> {
  const before = await numberIn(page, 'train-step');
  await page.getByTestId('play').click();
  await waitFor(async () => (await numberIn(page, 'train-step')) > before + 5, 30_000, 'training to run');
  await page.getByTestId('pause').click();
}

describe('a refused link never disables the controls', () => {
  for (const [what, search, refused] of [
    ['an n-gram order the sequence cannot hold', '?graph=ngram&k=4&T=4', /k must be in/],
    ['a bad custom spec', '?graph=custom&spec=-;0;5', /spec|parent|position/i],
    ['a model over the page budget', '?S=64&T=64&heads=4,4,4,4', /model too large|too large/],
  ] as const) {
    it(`main page, ${what}: names the refusal, trains the default, a preset recovers`, async () => {
      const { page } = await openPage(search);
      await controlsEnabled(page);
      const error = page.getByTestId('error');
      await waitFor(async () => refused.test((await error.textContent()) ?? ''), 10_000, 'the refusal in the banner');
      expect(await error.textContent()).toMatch(/refused/);
      // Drawn as trained: the form shows the settings actually running.
      expect(await page.locator('#setting-graph').inputValue()).toBe('chain');
      await trains(page);
      await page.getByTestId('preset-trigram').click();
      await waitFor(async () => page.url().includes('preset=trigram'), 10_000, 'the preset in the URL');
      await controlsEnabled(page);
      await trains(page);
      await page.context().close();
    });
  }

  it('the refusal shows next to the field that caused it', async () => {
    const { page } = await openPage('?graph=ngram&k=4&T=4');
    await controlsEnabled(page);
    const near = page.locator('#setting-k-error');
    await waitFor(async () => /k must be in/.test((await near.textContent()) ?? ''), 10_000, 'the refusal next to k');
    await page.context().close();
  });

  it('embed page: a refused link still trains the default and stays operable', async () => {
    const { page } = await openPage('embed.html?graph=ngram&k=4&T=4');
    await controlsEnabled(page);
    expect(await page.getByTestId('error').textContent()).toMatch(/k must be in/);
    await trains(page);
    await page.context().close();
  });

  it('a model over the step budget is refused naming batch and the budget; the run goes on', async () => {
    const { page } = await openPage('?S=64&T=64&heads=1,1&batch=8192');
    await controlsEnabled(page);
    const text = (await page.getByTestId('error').textContent()) ?? '';
    expect(text).toMatch(/batch=8192/);
    expect(text).toMatch(/100 ms/);
    await trains(page);
    await page.context().close();
  });
});

describe('errors where the visitor looks', () => {
  it('a refused value says which value the run keeps, and Play trains with that one', async () => {
    const { page } = await openPage('');
    await controlsEnabled(page);
    await page.locator('#advanced summary').click();
    const input = page.getByTestId('setting-lr');
    const before = await input.inputValue();
    await input.fill('-0.5');
    await input.press('Enter');
    await input.blur();
    const near = page.locator('#setting-lr-error');
    await waitFor(async () => near.isVisible(), 5_000, 'the message next to the learning rate');
    const text = (await near.textContent()) ?? '';
    expect(text).toMatch(/-0\.5/);
    expect(text).toMatch(/\(0, 10000\]/);
    expect(text).toContain(`the run keeps ${before}`);
    await trains(page);
    await page.context().close();
  });

  it('a divergence shows next to the learning rate and the banner scrolls into view', async () => {
    const { page } = await openPage('?opt=sgd&lr=1000');
    await controlsEnabled(page);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.evaluate(() => (document.getElementById('play') as HTMLButtonElement).click());
    const near = page.locator('#setting-lr-error');
    await waitFor(async () => (await near.isVisible()) && /diverged/.test((await near.textContent()) ?? ''), 30_000, 'the divergence next to lr');
    await waitFor(
      async () =>
        page.evaluate(() => {
          const box = (document.getElementById('error') as HTMLElement).getBoundingClientRect();
          return box.height > 0 && box.top > -2 && box.bottom <= window.innerHeight + 2;
        }),
      5_000,
      'the banner in view',
    );
    await page.context().close();
  });
});

describe('races and floods', () => {
  it('a burst of ten Resets never leaves Play showing while the worker trains', async () => {
    const { page } = await openPage('');
    await controlsEnabled(page);
    for (let round = 0; round < 3; round++) {
      await page.getByTestId('play').click();
      await waitFor(async () => page.getByTestId('pause').isVisible(), 10_000, 'Pause to show');
      await page.evaluate(() => {
        const reset = document.getElementById('reset') as HTMLButtonElement;
        for (let i = 0; i < 10; i++) setTimeout(() => reset.click(), i * 5);
      });
      await page.waitForTimeout(1500);
      // Still training (it was playing), and the buttons say so.
      const a = await numberIn(page, 'train-step');
      await page.waitForTimeout(600);
      const b = await numberIn(page, 'train-step');
      expect(b).toBeGreaterThan(a);
      expect(await page.getByTestId('play').isVisible()).toBe(false);
      expect(await page.getByTestId('pause').isVisible()).toBe(true);
      await page.getByTestId('pause').click();
      await waitFor(async () => page.getByTestId('play').isVisible(), 5_000, 'Play to show');
    }
    await page.context().close();
  });

  it('hundreds of unknown keys give one collapsed notice; a 10 kB value is clipped', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `junk${i}=1`).join('&');
    const { page } = await openPage(`?${keys}&S=${'9'.repeat(10_000)}`);
    await controlsEnabled(page);
    const notices = page.getByTestId('notice');
    expect(await notices.count()).toBeLessThanOrEqual(2);
    expect(await notices.first().textContent()).toMatch(/300 keys/);
    for (const text of await notices.allTextContents()) expect(text.length).toBeLessThan(1000);
    await page.context().close();
  });

  it('a 10 kB lemma input is clipped in its message', async () => {
    const { page } = await openPage('');
    await controlsEnabled(page);
    const beta = page.locator('#lemma-beta');
    if ((await beta.count()) === 0) return;
    await page.evaluate(() => {
      const details = document.querySelectorAll('details');
      for (const d of details) d.open = true;
    });
    await beta.fill('x'.repeat(10_000));
    await page.locator('#lemma-run').click();
    const error = page.locator('#lemma-error');
    await waitFor(async () => error.isVisible(), 10_000, 'the lemma error');
    expect(((await error.textContent()) ?? '').length).toBeLessThan(400);
    await page.context().close();
  });
});

describe('the worker always answers', () => {
  /** Milliseconds from a click on Pause to Play showing again (given up at 5 s), three times. */
  async function pauseLatencies(page: Page): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.getByTestId('play').click();
      await waitFor(async () => (await page.locator('#play').getAttribute('data-testid')) === 'pause', 10_000, 'the worker to play');
      await page.waitForTimeout(700);
      latencies.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              // One Play/Pause button: it shows Pause while the worker plays, and flips back to
              // Play when the worker's status says it paused.
              const button = document.getElementById('play') as HTMLButtonElement;
              const start = performance.now();
              button.click();
              const check = () => {
                const elapsed = performance.now() - start;
                if (button.dataset.testid === 'play' || elapsed > 5000) resolve(elapsed);
                else setTimeout(check, 5);
              };
              check();
            }),
        ),
      );
    }
    return latencies;
  }

  it('Pause takes effect within 200 ms at the largest allowed model', async () => {
    // S=64, T=64, heads 2,1: the largest batch the page allows is 42 (web/common/step-cost.ts).
    const { page } = await openPage('?S=64&T=64&heads=2,1&batch=42');
    await controlsEnabled(page);
    expect(await page.getByTestId('error').isVisible()).toBe(false);
    const latencies = await pauseLatencies(page);
    expect(Math.max(...latencies), `pause latencies ${latencies.map(Math.round).join(', ')} ms`).toBeLessThan(200);
    await page.context().close();
  });

  it('Pause takes effect within 200 ms after a link to a model whose step takes minutes', async () => {
    const { page } = await openPage('?S=64&T=64&heads=4,4,1&batch=8192');
    await controlsEnabled(page);
    const latencies = await pauseLatencies(page);
    expect(Math.max(...latencies), `pause latencies ${latencies.map(Math.round).join(', ')} ms`).toBeLessThan(200);
    expect(await page.getByTestId('error').textContent()).toMatch(/too large for the page.*100 ms/);
    await page.context().close();
  });

  it('a crashed worker is restarted, said in words, and Resume trains again', async () => {
    const { page } = await openPage('');
    await controlsEnabled(page);
    await trains(page);
    const worker = page.workers()[0];
    await worker.evaluate(() => setTimeout(() => { throw new Error('simulated crash'); }));
    const error = page.getByTestId('error');
    await waitFor(async () => /new one was started/.test((await error.textContent()) ?? ''), 20_000, 'the restart message');
    expect(await error.textContent()).not.toMatch(/\[object/);
    await controlsEnabled(page);
    await waitFor(async () => (await numberIn(page, 'train-step')) === 0, 10_000, 'a fresh run of the same settings');
    await page.getByTestId('error-action').click();
    await waitFor(async () => (await numberIn(page, 'train-step')) > 5, 30_000, 'Resume to train');
    await page.getByTestId('pause').click();
    await page.context().close();
  });

  it('a failed load of the engine can be retried without a reload', async () => {
    // No service worker: its cache would fetch the .wasm outside the page's routes.
    const context = await site.browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    let failures = 0;
    await page.route(/\.wasm$/, (route) => (failures++ === 0 ? route.abort() : route.continue()));
    await page.goto(site.url);
    const error = page.getByTestId('error');
    await waitFor(async () => /could not be loaded|could not start/.test((await error.textContent()) ?? ''), 30_000, 'the load failure');
    expect(await error.textContent()).not.toMatch(/CompileError|\[object/);
    await page.getByTestId('error-action').click();
    await controlsEnabled(page);
    await trains(page);
    await context.close();
  });
});
