// A wasm kernel thread in a browser (a Web Worker started from the compute worker); wasmThreads.ts starts it.
import { type ThreadInit, threadMain } from './wasmThreads.ts';

self.onmessage = (e: MessageEvent<ThreadInit>) => { void threadMain(e.data, () => self.postMessage('ready')); };
