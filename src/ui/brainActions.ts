// Correcting the extracted brain: grow, shrink, paint or erase it, then segment again with it.
import { growBrainMask } from '../core/brain';
import { useApp, type AppState, type BrainTool } from './store';
import { runSegmentation } from './segmentationActions';

/** The brain shown: the user's correction while there is one, else the one the last segmentation used. */
export function currentBrain(s: Pick<AppState, 'brainEdit' | 'segmentation'>): Uint8Array | null {
  return s.brainEdit ?? s.segmentation?.brainMask ?? null;
}

export function growBrain(mm: number): void {
  const s = useApp.getState();
  const brain = currentBrain(s);
  if (!brain || !s.scan || s.brainTool !== 'off') return;
  useApp.setState({ brainEdit: growBrainMask(brain, s.scan.flair, mm) });
}

/** Paint or erase in the viewer; switching back to 'off' takes the drawing as the correction (Viewer.tsx). */
export function setBrainTool(brainTool: BrainTool): void {
  useApp.setState({ brainTool });
}

/** Drops the correction: back to the brain the last segmentation used. */
export function revertBrain(): void {
  useApp.setState({ brainEdit: null, brainTool: 'off' });
}

export function applyBrain(): void {
  if (useApp.getState().brainTool !== 'off') return;
  void runSegmentation();
}
