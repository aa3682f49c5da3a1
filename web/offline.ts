// Teaching without a network: the built site's service worker (sw.js, written by the build; see
// vite.config.ts) caches every file of the build, both .wasm engines included, on the first
// visit, so the page then opens and trains offline.
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('./sw.js').catch((error: unknown) => {
    console.warn(`The offline cache is not available: ${(error as Error).message}`);
  });
}
