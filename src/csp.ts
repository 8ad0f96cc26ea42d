// The Content-Security-Policy: scripts, workers, styles, models and scans from the app's own origin only;
// nothing may be sent anywhere else. Used by vite.config.ts (a <meta> in every page, and a header from
// `vite preview` so the compute worker, which does not inherit a page's <meta> policy, is bound too).
import { createHash } from 'node:crypto';

/**
 * Cross-origin isolation: with these two headers the browser gives the page SharedArrayBuffer, which the
 * cpu backend's WebAssembly kernels need to run on several threads (src/core/model/wasmThreads.ts).
 * Everything the app loads is its own, so requiring CORP of cross-origin resources costs nothing.
 * Hosts must send them too (README, "Hosting"); without them the kernels run on one thread and say so.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export interface CspOptions {
  /** the dev server: Vite injects CSS with <style> elements, so inline styles are allowed there only */
  dev?: boolean;
  /** bodies of inline <script> elements the page needs (React refresh in dev), allowed by hash */
  inlineScripts?: string[];
  /** header only: frame-ancestors is ignored in a <meta> policy */
  header?: boolean;
}

export function contentSecurityPolicy(o: CspOptions = {}): string {
  const hashes = (o.inlineScripts ?? []).map((body) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    // 'wasm-unsafe-eval' lets the page compile WebAssembly (dcm2niix, which converts DICOM on this computer);
    // it allows no eval of scripts, and connect-src still keeps every request on this origin
    ['script-src', "'self'", "'wasm-unsafe-eval'", ...hashes],
    ['worker-src', "'self'"],
    ['style-src', "'self'", ...(o.dev ? ["'unsafe-inline'"] : [])],
    // NiiVue draws its font and colour bars from data: images; downloads of results use blob: URLs
    ['img-src', "'self'", 'data:', 'blob:'],
    ['font-src', "'self'"],
    ['connect-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ...(o.header ? [['frame-ancestors', "'none'"] as [string, string]] : []),
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}

/** The bodies of a page's inline scripts (those without a src attribute). */
export function inlineScriptBodies(html: string): string[] {
  return [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]).filter((b) => b.trim() !== '');
}
