// DICOM in: dcm2niix (its WebAssembly build, @niivue/dcm2niix) turns a study's files into one NIfTI per
// series with a BIDS sidecar; this file runs it on an in-memory file system and turns what it wrote into a
// list of series the user picks FLAIR and T1 from. Geometry and values are dcm2niix's: our NIfTI reader
// then treats a converted series like any other NIfTI.
import { describeGrid } from './volume';
import { readNifti } from './nifti';
import { InputError } from './inputError';
import type { ScanRole } from './roles';

/** The part of dcm2niix's Emscripten module the conversion uses. */
export interface Dcm2niixModule {
  FS: {
    mkdir(path: string): void;
    writeFile(path: string, data: Uint8Array): void;
    readdir(path: string): string[];
    readFile(path: string): Uint8Array;
    unlink(path: string): void;
    rmdir(path: string): void;
  };
  callMain(args: string[]): number;
}

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/**
 * Uncompressed NIfTI (the reader would only inflate it again), a BIDS sidecar per series with the
 * identifying fields left out, file names "<series number>_<description>", a suffix on name clashes.
 */
export const DCM2NIIX_ARGS = ['-z', 'n', '-b', 'y', '-ba', 'y', '-f', '%s_%d', '-w', '2'];

export interface Dcm2niixRun {
  exitCode: number;
  /** the files dcm2niix wrote (.nii and .json) */
  outputs: NamedBytes[];
}

let runCount = 0;

/** Runs dcm2niix once on the given files; the module can be reused (each run has its own folders). */
export function runDcm2niix(mod: Dcm2niixModule, files: NamedBytes[]): Dcm2niixRun {
  const run = ++runCount;
  const inDir = `/dicom-in-${run}`;
  const outDir = `/dicom-out-${run}`;
  mod.FS.mkdir(inDir);
  mod.FS.mkdir(outDir);
  // a folder's structure means nothing to dcm2niix; names only need to be unique
  files.forEach((f, i) => mod.FS.writeFile(`${inDir}/${i}_${f.name.replace(/[^\w.-]/g, '_')}`, f.bytes));
  let exitCode: number;
  try {
    exitCode = mod.callMain(['-o', outDir, ...DCM2NIIX_ARGS, inDir]);
  } finally {
    for (const name of mod.FS.readdir(inDir)) if (!name.startsWith('.')) mod.FS.unlink(`${inDir}/${name}`);
    mod.FS.rmdir(inDir);
  }
  const outputs = mod.FS.readdir(outDir)
    .filter((name) => !name.startsWith('.'))
    .map((name) => {
      const bytes = mod.FS.readFile(`${outDir}/${name}`).slice();
      mod.FS.unlink(`${outDir}/${name}`);
      return { name, bytes };
    });
  mod.FS.rmdir(outDir);
  return { exitCode, outputs };
}

/** One converted series the user can open as FLAIR or T1. */
export interface DicomSeries {
  /** the NIfTI dcm2niix wrote */
  nifti: NamedBytes;
  seriesNumber?: number;
  description: string;
  /** e.g. "Series 3 · AX FLAIR · 32 x 28 x 12 voxels of 0.72 x 0.72 x 3 mm" */
  label: string;
  roleGuess?: Extract<ScanRole, 'flair' | 'mprage'>;
}

export interface DicomStudy {
  series: DicomSeries[];
  /** series that were converted but cannot be used, and other things the user should know */
  notes: string[];
}

/** The sidecar fields the series list and the role guess read (BIDS names, times in seconds). */
export interface SeriesSidecar {
  SeriesNumber?: number;
  SeriesDescription?: string;
  ProtocolName?: string;
  ScanningSequence?: string;
  SequenceName?: string;
  MRAcquisitionType?: string;
  RepetitionTime?: number;
  EchoTime?: number;
  InversionTime?: number;
}

/**
 * FLAIR or T1-weighted, from the series' name, else from its timing: a FLAIR inverts the fluid signal
 * (TI 1.8-3 s) and reads a long echo (TE > 60 ms); a T1-weighted scan has a short TR (spin echo,
 * gradient echo) or a short TE with an inversion of 0.5-1.5 s (MPRAGE; a STIR inverts
 * at 0.1-0.25 s). Only a guess: the user confirms.
 */
export function guessSeriesRole(s: SeriesSidecar): 'flair' | 'mprage' | undefined {
  const text = `${s.SeriesDescription ?? ''} ${s.ProtocolName ?? ''} ${s.SequenceName ?? ''}`.toLowerCase();
  if (/flair|dark.?fluid|\bspc.?ir|\btirm/.test(text)) return 'flair';
  if (/t1|mprage|mp-rage|mp2rage|spgr|tfl|bravo|\bt1w/.test(text)) return 'mprage';
  const { RepetitionTime: tr, EchoTime: te, InversionTime: ti } = s;
  if (ti !== undefined && ti >= 1.5 && te !== undefined && te > 0.06) return 'flair';
  if (te !== undefined && te < 0.02 && ((tr !== undefined && tr < 1) || (ti !== undefined && ti >= 0.5 && ti < 1.5))) return 'mprage';
  return undefined;
}

function parseSidecar(bytes: Uint8Array | undefined): SeriesSidecar {
  if (!bytes) return {};
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as SeriesSidecar;
  } catch {
    return {};
  }
}

/** dcm2niix exit codes (its nii_dicom_batch.h) that say what was wrong with the input. */
const EXIT_NO_VALID_FILES = 2;
const EXIT_CORRUPT_FILE = 4;
const EXIT_SOME_OK_SOME_BAD = 8;

/**
 * The series a conversion produced, or an InputError that says why none can be opened.
 * `log` is what dcm2niix printed; it tells a file cut short from one with no image in it.
 */
export function dicomStudy(run: Dcm2niixRun, fileCount: number, log: string[]): DicomStudy {
  const notes: string[] = [];
  // dcm2niix names the first file of a series it found cut short, and leaves that series out
  const cutShort = log
    .map((l) => /not large enough to store image data: (.*)$/i.exec(l)?.[1])
    .filter((path): path is string => !!path)
    .map((path) => path.replace(/^.*\/\d+_/, ''));
  const niftis = run.outputs.filter((o) => o.name.endsWith('.nii'));
  if (cutShort.length) {
    notes.push(
      `DICOM files are cut short (their image data is incomplete: ${cutShort.join(', ')}); the series they belong to ` +
        `${cutShort.length > 1 ? 'were' : 'was'} left out. Export or copy the study again from PACS.`,
    );
  }
  if (!niftis.length) {
    if (cutShort.length) throw new InputError(`No image could be made: ${notes[0]}`);
    if (run.exitCode === EXIT_NO_VALID_FILES || log.some((l) => /no valid dicom/i.test(l))) {
      throw new InputError(
        `No DICOM image was found in the ${fileCount} file(s): they are not DICOM, or they hold no pixel data ` +
          '(reports, presentation states, key images). Open the folder of the MRI series themselves (FLAIR and T1).',
      );
    }
    throw new InputError(
      `The ${fileCount} DICOM file(s) could not be converted (dcm2niix stopped with code ${run.exitCode}` +
        `${run.exitCode === EXIT_CORRUPT_FILE ? ': a damaged file' : ''}). Export the study again from PACS, or convert it with dcm2niix and open the NIfTI files.`,
    );
  }
  if (run.exitCode === EXIT_SOME_OK_SOME_BAD && !cutShort.length) notes.push('Some DICOM files could not be converted and were left out.');

  const series: DicomSeries[] = [];
  // the parts of one series (same number and description) that dcm2niix wrote as separate volumes
  const parts = new Map<string, { title: string; count: number }>();
  for (const nifti of niftis) {
    const sidecar = parseSidecar(run.outputs.find((o) => o.name === nifti.name.replace(/\.nii$/, '.json'))?.bytes);
    const description = sidecar.SeriesDescription || sidecar.ProtocolName || nifti.name.replace(/\.nii$/, '');
    const title = `${sidecar.SeriesNumber !== undefined ? `Series ${sidecar.SeriesNumber} · ` : ''}${description}`;
    let grid: string;
    try {
      grid = describeGrid(readNifti(nifti.bytes, title).volume);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      notes.push(`Not offered: ${e.message.replace(/ Open the whole 3D scan, not a single slice\.$/, ' It needs the whole series.')}`);
      continue;
    }
    const s: DicomSeries = { nifti, seriesNumber: sidecar.SeriesNumber, description, label: `${title} · ${grid}`, roleGuess: guessSeriesRole(sidecar) };
    series.push(s);
    const key = `${sidecar.SeriesNumber}|${description}`;
    parts.set(key, { title, count: (parts.get(key)?.count ?? 0) + 1 });
  }
  for (const { title, count } of parts.values()) {
    if (count < 2) continue;
    notes.push(
      `${title} was split into ${count} volumes, because its images differ in size, ` +
        'orientation or position (a mixed or interrupted series). Each part is offered: check which one is the scan.',
    );
  }
  if (!series.length) throw new InputError(`No 3D scan could be made from the DICOM files. ${notes.join(' ')}`);
  // by series number, as a PACS lists them
  series.sort((a, b) => (a.seriesNumber ?? 1e9) - (b.seriesNumber ?? 1e9) || a.nifti.name.localeCompare(b.nifti.name));
  return { series, notes };
}

/** A file that is probably DICOM: the "DICM" mark after the 128-byte preamble, or a DICOM name. */
export function looksLikeDicom(name: string, head: Uint8Array): boolean {
  if (head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d) return true;
  return /\.(dcm|dicom|ima)$/i.test(name);
}
