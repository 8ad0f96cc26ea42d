// Where code runs (Node's main thread, or a browser page or worker), and starting a Node worker thread that runs
// a TypeScript module through tsx, as the command line does (bin/lesionlens.mjs). Browsers start their workers with
// `new Worker(new URL('./x.ts', import.meta.url), { type: 'module' })` written out at the call, which the bundler
// needs to see literally.
import type { Worker as NodeWorker } from 'node:worker_threads';

/** True in Node (not in a browser page or worker, where `process` may be polyfilled). */
export const inNode = (): boolean => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string'
  && typeof (globalThis as { window?: unknown }).window === 'undefined' && typeof (globalThis as { importScripts?: unknown }).importScripts === 'undefined'
  && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';

/** A Node worker thread running the TypeScript module at `entry` (a file URL), unref'd (it keeps the process alive
 * only if the caller refs it). */
export async function startNodeThread(entry: string, workerData?: unknown): Promise<NodeWorker> {
  const { Worker } = await import(/* @vite-ignore */ 'node:worker_threads' as string) as typeof import('node:worker_threads');
  const w = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true, workerData });
  w.unref();
  return w;
}
