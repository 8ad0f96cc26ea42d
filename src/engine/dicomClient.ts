// DICOM conversion off the page's thread: one worker per study, ended when the study is converted.
import type { DicomStudy, NamedBytes } from '../core/volume/dicom';
import { InputError } from '../core/volume/inputError';
import type { DicomReply } from './dicom';

/** Converts the files in a worker; bad DICOM rejects with an InputError whose message is for the user. */
export function convertDicomInWorker(files: NamedBytes[]): Promise<DicomStudy> {
  const worker = new Worker(new URL('./dicomWorker.ts', import.meta.url), { type: 'module' });
  return new Promise<DicomStudy>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<DicomReply>) => {
      const reply = e.data;
      if ('study' in reply) resolve(reply.study);
      else reject(reply.inputError ? new InputError(reply.error) : new Error(reply.error));
    };
    worker.onerror = (e) => reject(new Error(`the DICOM converter failed to start (${e.message})`));
    worker.postMessage(files, files.map((f) => f.bytes.buffer as ArrayBuffer));
  }).finally(() => worker.terminate());
}
