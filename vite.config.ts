// Vite: the page lives in web/ (index.html and embed.html), static files in public/, and the
// built site in dist/ with relative paths, so it works from any sub-folder of a static host.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const web = fileURLToPath(new URL('./web', import.meta.url));

export default defineConfig({
  root: web,
  base: './',
  publicDir: fileURLToPath(new URL('./public', import.meta.url)),
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
