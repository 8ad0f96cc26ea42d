import { InputError, maxFileBytes, refuseOversizedFile, voxelBudget } from '../core/volume';
import { loadCase, type CaseFiles } from '../core/pipeline/loadCase';
import { guessRole, isNiftiName, isPairImageName, niftiBaseName } from '../core/volume/roles';
import { looksLikeDicom } from '../core/volume/dicom';
import { convertDicomInWorker } from '../engine/dicomClient';
import { useApp, type PendingFile } from './store';
import { stopPrecompute } from './explainActions';

/**
 * Shipped demo cases (synthetic MS lesions on the Colin27 brain, see public/samples/README.md):
 * `demo`, the whole brain, and `test64`, a 64^3 crop of it with 9 lesions for quick tries and tests.
 */
export const DEMOS = {
  demo: { flair: 'samples/demo_flair.nii.gz', mprage: 'samples/demo_mprage.nii.gz', mask: 'samples/demo_lesions.nii.gz' },
  test64: { flair: 'samples/test64/flair.nii.gz', mprage: 'samples/test64/mprage.nii.gz', mask: 'samples/test64/lesions.nii.gz' },
};
export type DemoName = keyof typeof DEMOS;

// Let the browser paint the progress message before a synchronous parse blocks the thread.
const nextFrame = () => new Promise((r) => setTimeout(r, 30));

/** The memory budget per scan, from what the browser reports (Chromium only; otherwise 4 GiB is assumed). */
function scanBudget(): number {
  return voxelBudget((navigator as Navigator & { deviceMemory?: number }).deviceMemory);
}

async function openCase(files: CaseFiles, caseName: string) {
  const app = useApp.getState();
  app.setBusy(`Reading ${caseName}…`);
  app.setError(null);
  await nextFrame();
  try {
    const scan = loadCase(files, { maxVoxels: scanBudget() });
    stopPrecompute();
    app.setCase(scan, { name: caseName, flairName: files.flair.name, mprageName: files.mprage.name, maskName: files.mask?.name });
  } catch (e) {
    app.setError(e instanceof InputError ? e.message : `Could not open ${caseName}: ${(e as Error).message}`);
    if (!(e instanceof InputError)) console.error(e);
  } finally {
    app.setBusy(null);
  }
}

export async function openDemo(which: DemoName = 'demo'): Promise<void> {
  const app = useApp.getState();
  const files = DEMOS[which];
  app.setBusy('Downloading the demo case…');
  try {
    const base = import.meta.env.BASE_URL;
    const fetchBytes = async (path: string) => {
      const res = await fetch(base + path);
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      return { name: path.split('/').pop()!, bytes: await res.arrayBuffer() };
    };
    const [flair, mprage, mask] = await Promise.all([files.flair, files.mprage, files.mask].map(fetchBytes));
    await openCase({ flair, mprage, mask }, which);
  } catch (e) {
    app.setBusy(null);
    app.setError(`The demo case could not be loaded (${(e as Error).message}). Is the app installed completely?`);
  }
}

/**
 * Files dropped or picked: NIfTI files (a .hdr with its .img) are listed as they are; DICOM files are first
 * converted (dcm2niix, in a worker), one entry per series. Each gets a guessed role, which the user
 * confirms before anything is read.
 */
export async function stageFiles(files: File[]): Promise<void> {
  const app = useApp.getState();
  app.setError(null);
  const nifti = files.filter((f) => isNiftiName(f.name));
  const images = new Map(files.filter((f) => isPairImageName(f.name)).map((f) => [niftiBaseName(f.name), f]));
  const others = files.filter((f) => !isNiftiName(f.name) && !isPairImageName(f.name));
  const heads = await Promise.all(others.map(async (f) => new Uint8Array(await f.slice(0, 132).arrayBuffer())));
  const dicom = others.filter((f, i) => looksLikeDicom(f.name, heads[i]));

  const pending: PendingFile[] = nifti.map((file) => ({ file, role: guessRole(file.name) ?? 'ignore', img: images.get(niftiBaseName(file.name)) }));
  const notes: string[] = [];
  const headers = new Set(nifti.map((f) => niftiBaseName(f.name)));
  for (const [base, img] of images) {
    if (!headers.has(base)) notes.push(`${img.name} is the image half of a NIfTI-1 pair: open it together with ${base}.hdr.`);
  }
  if (dicom.length) {
    // the rest of a DICOM folder (DICOMDIR, files without the DICM mark) goes to the converter too
    app.setBusy(`Converting ${others.length} DICOM file${others.length > 1 ? 's' : ''} (dcm2niix, on this computer)…`);
    try {
      const study = await convertDicomInWorker(await Promise.all(others.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }))));
      for (const s of study.series) {
        pending.push({ file: new File([s.nifti.bytes as BlobPart], s.nifti.name), role: s.roleGuess ?? 'ignore', label: s.label });
      }
      notes.push(...study.notes);
    } catch (e) {
      app.setError(e instanceof InputError ? e.message : `The DICOM files could not be converted: ${(e as Error).message}`);
      if (!(e instanceof InputError)) console.error(e);
      return;
    } finally {
      app.setBusy(null);
    }
  } else {
    pending.push(...others.map((file) => ({ file, role: 'ignore' as const })));
  }
  // a study often holds several series of one kind: the first (lowest series number) keeps the guess
  for (const role of ['flair', 'mprage'] as const) {
    pending.filter((p) => p.label && p.role === role).slice(1).forEach((p) => (p.role = 'ignore'));
  }
  // two NIfTI files and no guess: the usual order is FLAIR, then MPRAGE
  const unguessed = pending.filter((p) => p.role === 'ignore' && isNiftiName(p.file.name) && !p.label);
  const taken = new Set(pending.map((p) => p.role));
  for (const p of unguessed) {
    const free = (['flair', 'mprage'] as const).find((r) => !taken.has(r));
    if (free) {
      p.role = free;
      taken.add(free);
    }
  }
  app.setPending(pending, notes);
}

/**
 * The files of a drop, folders read through (a DICOM study is usually dropped as a folder). A File from a
 * folder has no path, which dcm2niix does not need: its names only have to be unique.
 */
export async function filesFromDrop(transfer: DataTransfer): Promise<File[]> {
  // entries must be taken before the first await: the drop's item list is emptied when its event ends
  const entries = Array.from(transfer.items)
    .map((item) => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      files.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries hands out a folder's entries in batches (100 in Chromium) until it returns none
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  if (!entries.length) return Array.from(transfer.files);
  for (const e of entries) await walk(e);
  return files;
}

/** What is wrong with the chosen roles, in words, or null when the case can be opened. */
export function rolesProblem(pending: PendingFile[]): string | null {
  const count = (r: string) => pending.filter((p) => p.role === r).length;
  if (count('flair') !== 1) return 'Choose exactly one FLAIR file.';
  if (count('mprage') !== 1) return 'Choose exactly one T1 (MPRAGE or other) file.';
  if (count('mask') > 1) return 'Choose at most one ground-truth mask.';
  return null;
}

export async function openPending(pending: PendingFile[]): Promise<void> {
  const problem = rolesProblem(pending);
  if (problem) {
    useApp.getState().setError(problem);
    return;
  }
  const budget = scanBudget();
  const labels: Record<string, string> = { flair: 'FLAIR', mprage: 'MPRAGE', mask: 'Ground-truth mask' };
  const read = async (role: string) => {
    const p = pending.find((q) => q.role === role);
    if (!p) return undefined;
    // a file larger than any scan within the budget is judged from its header, never read whole
    if (p.file.size > maxFileBytes(budget)) {
      const head = new Uint8Array(await p.file.slice(0, 65536).arrayBuffer());
      refuseOversizedFile(head, p.file.size, `${labels[role]} (${p.file.name})`, budget);
    }
    return { name: p.file.name, bytes: await p.file.arrayBuffer(), imageBytes: await p.img?.arrayBuffer() };
  };
  let files;
  try {
    files = await Promise.all([read('flair'), read('mprage'), read('mask')]);
  } catch (e) {
    useApp.getState().setError(e instanceof InputError ? e.message : `Could not read the files: ${(e as Error).message}`);
    return;
  }
  const [flair, mprage, mask] = files;
  const caseName = niftiBaseName(flair!.name).replace(/[_-]?flair/i, '') || 'case';
  await openCase({ flair: flair!, mprage: mprage!, mask }, caseName);
}
