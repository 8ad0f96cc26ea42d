// A wasm kernel thread in Node (worker_threads); wasmThreads.ts starts it.
import { parentPort, workerData } from 'node:worker_threads';
import { type ThreadInit, threadMain } from './wasmThreads.ts';

void threadMain(workerData as ThreadInit, () => parentPort!.postMessage('ready'));
