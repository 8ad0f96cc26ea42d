import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

// Every HTML entry the build serves. The app is static: scans, models and computation stay in the browser.
const pages = {
  main: resolve(import.meta.dirname, 'index.html'),
  runtime: resolve(import.meta.dirname, 'test-pages/runtime.html'),
};

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000, rollupOptions: { input: pages } },
});
