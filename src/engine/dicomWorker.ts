/// <reference lib="webworker" />
import { convertDicom, type DicomReply } from './dicom';
import { InputError } from '../core/volume/inputError';
import type { NamedBytes } from '../core/volume/dicom';

self.onmessage = async (e: MessageEvent<NamedBytes[]>) => {
  let reply: DicomReply;
  try {
    reply = { study: await convertDicom(e.data) };
  } catch (err) {
    reply = { error: (err as Error).message, inputError: err instanceof InputError };
  }
  const buffers = 'study' in reply ? reply.study.series.map((s) => s.nifti.bytes.buffer as ArrayBuffer) : [];
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(reply, buffers);
};
