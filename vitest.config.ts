// Vitest: the web suites run in Node against the built WebAssembly module (npm run build:wasm
// first; npm test does both).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/web/**/*.test.ts'],
    environment: 'node',
    // Training runs of up to 1000 steps, and the native CLI, on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
