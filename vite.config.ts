// Vite: the page lives in web/ (index.html and embed.html), and the built site in dist/ with
// relative paths, so it works from any sub-folder of a static host. There is no folder of
// static files: every asset (styles, the worker, the .wasm files) is imported by the pages.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const web = fileURLToPath(new URL('./web', import.meta.url));

export default defineConfig({
  root: web,
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { main: `${web}/index.html`, embed: `${web}/embed.html` },
    },
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
