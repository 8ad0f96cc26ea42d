import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { contentSecurityPolicy, inlineScriptBodies, ISOLATION_HEADERS } from './src/csp.ts';

// Every HTML entry the build serves. The app is static: scans, models and computation stay in the browser.
const pages = {
  main: resolve(import.meta.dirname, 'index.html'),
  runtime: resolve(import.meta.dirname, 'test-pages/runtime.html'),
  xai: resolve(import.meta.dirname, 'test-pages/xai.html'),
  // the benchmark page (issue 8): the standard workload on the user's own device
  bench: resolve(import.meta.dirname, 'bench.html'),
};

/** Puts the Content-Security-Policy in every page, last, so it sees the inline scripts other plugins added. */
const csp: Plugin = {
  name: 'lesionlens-csp',
  transformIndexHtml: {
    order: 'post',
    handler: (html, ctx) => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ dev: !!ctx.server, inlineScripts: inlineScriptBodies(html) }) },
        injectTo: 'head-prepend',
      },
    ],
  },
};

/** dcm2niix's WebAssembly module (src/engine/dcm2niix-wasm.d.ts says why it is imported directly). */
export const dcm2niixAlias = { 'dcm2niix-wasm': resolve(import.meta.dirname, 'node_modules/@niivue/dcm2niix/dist/dcm2niix.jpeg.js') };

export default defineConfig({
  plugins: [react(), csp],
  resolve: { alias: dcm2niixAlias },
  // pre-bundling would move the module away from its .wasm, which it finds beside itself
  optimizeDeps: { exclude: ['dcm2niix-wasm'] },
  // cross-origin isolation: the cpu backend's WebAssembly kernels share memory with their threads
  server: { port: 5173, strictPort: false, headers: { ...ISOLATION_HEADERS } },
  // the header binds the compute worker too (a worker does not inherit its page's <meta> policy)
  preview: { port: 4173, strictPort: true, headers: { 'Content-Security-Policy': contentSecurityPolicy({ header: true }), ...ISOLATION_HEADERS } },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000, rollupOptions: { input: pages } },
});
