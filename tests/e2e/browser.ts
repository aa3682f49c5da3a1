// Shared set-up for the browser suites: the built site (dist/) served by Vite's preview server
// on a free loopback port, and Debian's Chromium driven by playwright-core.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';

export const ARTIFACTS = new URL('../../test-results/', import.meta.url).pathname;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export interface Site {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function openSite(): Promise<Site> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server: PreviewServer = await preview({
    configFile: new URL('../../vite.config.ts', import.meta.url).pathname,
    preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false },
    logLevel: 'silent',
  });
  const address = server.httpServer.address() as AddressInfo;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    url: `http://127.0.0.1:${address.port}/`,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    },
  };
}

/**
 * The site and browser of one suite: opened before its tests, closed after them. The returned
 * object reads through to the open site, so tests use `site.url` and `site.browser` directly.
 */
export function useSite(): Site {
  let open: Site | undefined;
  beforeAll(async () => {
    open = await openSite();
  });
  afterAll(async () => {
    await open?.close();
  });
  const current = (): Site => {
    if (!open) throw new Error('the site is not open: call useSite() at the top of a suite file');
    return open;
  };
  return {
    get url() {
      return current().url;
    },
    get browser() {
      return current().browser;
    },
    close: () => current().close(),
  };
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and failed requests (collectProblems). */
  problems: string[];
  /** Requests to other origins (collectForeignRequests). */
  foreign: string[];
}

/** A fresh context and page of `site` at `path` (relative to the site's root), watched for problems. */
export async function openPage(site: Site, path: string, viewport = { width: 1440, height: 900 }): Promise<OpenedPage> {
  const context = await site.browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = collectProblems(page);
  const foreign = collectForeignRequests(page, site.url.replace(/\/$/, ''));
  await page.goto(site.url + path);
  return { context, page, problems, foreign };
}

/** Console errors, page errors and failed requests of a page, for the "no errors" checks. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  return problems;
}

/** Requests to any origin other than the site's own. */
export function collectForeignRequests(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  return foreign;
}

/**
 * Scrolls a part of the page into view, as a visitor would: Parts 2 to 4 load their code (and the
 * engine's full module) when they come near, so their controls exist only from then on.
 */
export async function scrollTo(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().scrollIntoViewIfNeeded();
}

export async function numberIn(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).first().textContent()) ?? '';
  return Number(text.replace(/,/g, ''));
}

/** Polls `condition` every 200 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
