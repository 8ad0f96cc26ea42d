// The noise thread in Node (worker_threads); noiseThread.ts starts it.
import { parentPort } from 'node:worker_threads';
import { answerNoise, type NoiseRequest } from './noiseThread.ts';

parentPort!.on('message', (r: NoiseRequest) => {
  const { answer, transfer } = answerNoise(r);
  parentPort!.postMessage(answer, transfer);
});
