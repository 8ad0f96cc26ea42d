// The noise thread in a browser (a Web Worker started from the compute worker); noiseThread.ts starts it.
import { answerNoise, type NoiseRequest } from './noiseThread.ts';

self.onmessage = (e: MessageEvent<NoiseRequest>) => {
  const { answer, transfer } = answerNoise(e.data);
  self.postMessage(answer, { transfer });
};
