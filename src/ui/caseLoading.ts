import { InputError, maxFileBytes, refuseOversizedFile, voxelBudget } from '../core/volume';
import { loadCase, type CaseFiles } from '../core/pipeline/loadCase';
import { guessRole, isNiftiName } from '../core/volume/roles';
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

/** Files dropped or picked: guess each role, then let the user confirm before anything is read. */
export function stageFiles(files: File[]): void {
  const app = useApp.getState();
  const pending: PendingFile[] = files.map((file) => ({ file, role: guessRole(file.name) ?? 'ignore' }));
  // Two files and no guess: the usual order is FLAIR, then MPRAGE.
  const unguessed = pending.filter((p) => p.role === 'ignore' && isNiftiName(p.file.name));
  const taken = new Set(pending.map((p) => p.role));
  for (const p of unguessed) {
    const free = (['flair', 'mprage'] as const).find((r) => !taken.has(r));
    if (free) {
      p.role = free;
      taken.add(free);
    }
  }
  app.setPending(pending);
  app.setError(null);
}

/** What is wrong with the chosen roles, in words, or null when the case can be opened. */
export function rolesProblem(pending: PendingFile[]): string | null {
  const count = (r: string) => pending.filter((p) => p.role === r).length;
  if (count('flair') !== 1) return 'Choose exactly one FLAIR file.';
  if (count('mprage') !== 1) return 'Choose exactly one MPRAGE (T1) file.';
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
    return { name: p.file.name, bytes: await p.file.arrayBuffer() };
  };
  let files;
  try {
    files = await Promise.all([read('flair'), read('mprage'), read('mask')]);
  } catch (e) {
    useApp.getState().setError(e instanceof InputError ? e.message : `Could not read the files: ${(e as Error).message}`);
    return;
  }
  const [flair, mprage, mask] = files;
  const caseName = flair!.name.replace(/\.nii(\.gz)?$/i, '').replace(/[_-]?flair/i, '') || 'case';
  await openCase({ flair: flair!, mprage: mprage!, mask }, caseName);
}
