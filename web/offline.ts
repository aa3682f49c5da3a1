// Teaching without a network: the built site's service worker (sw.js, written by the build; see
// vite.config.ts) caches every file of the build on the first visit, of the engine's two builds
// the one this browser runs (core and full module), so the page then opens and trains offline.
import { simdSupported } from './engine/load';

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  simdSupported()
    .then((simd) => navigator.serviceWorker.register(`./sw.js?engine=${simd ? 'simd' : 'fallback'}`))
    .catch((error: unknown) => {
      console.warn(`The offline cache is not available: ${(error as Error).message}`);
    });
}
