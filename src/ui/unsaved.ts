// Leaving the page with results that were never exported asks first: a segmentation of a whole brain
// can take minutes, and nothing is stored anywhere but this tab.
import { useApp } from './store';

/** The results that matter for this question: compared by identity, so a recomputed result counts as new. */
export interface Results {
  segmentation: object | null;
  explanations: Record<string, unknown>;
}

/** True when `now` holds a segmentation or an explanation that was not in the last export. */
export function hasUnexported(now: Results, exported: Results): boolean {
  if (now.segmentation && now.segmentation !== exported.segmentation) return true;
  return Object.entries(now.explanations).some(([key, e]) => exported.explanations[key] !== e);
}

let exported: Results = { segmentation: null, explanations: {} };

/** Call after a successful export: everything computed so far counts as saved. */
export function markExported(): void {
  const s = useApp.getState();
  exported = { segmentation: s.segmentation, explanations: { ...s.explanations } };
}

export function hasUnexportedResults(): boolean {
  return hasUnexported(useApp.getState(), exported);
}

/** Installs the beforeunload question; returns the function that removes it. */
export function installUnloadGuard(): () => void {
  const ask = (e: BeforeUnloadEvent) => {
    // a segmentation or explanation still running would be lost as well (local files cannot be reopened by a reload)
    if (!hasUnexportedResults() && !useApp.getState().job) return;
    e.preventDefault();
    e.returnValue = ''; // older browsers show the dialog only when returnValue is set
  };
  window.addEventListener('beforeunload', ask);
  return () => window.removeEventListener('beforeunload', ask);
}
