// DICOM conversion: dcm2niix's WebAssembly module, loaded per study (its memory holds the whole study).
import createDcm2niix from 'dcm2niix-wasm';
import { type DicomStudy, type NamedBytes, dicomStudy, runDcm2niix } from '../core/volume/dicom';

/** Loads dcm2niix and converts the files (used by the worker, and directly by tests in Node). */
export async function convertDicom(files: NamedBytes[]): Promise<DicomStudy> {
  const log: string[] = [];
  const mod = await createDcm2niix({ print: (l) => log.push(l), printErr: (l) => log.push(l) });
  return dicomStudy(runDcm2niix(mod, files), files.length, log);
}

export type DicomReply = { study: DicomStudy } | { error: string; inputError: boolean };
