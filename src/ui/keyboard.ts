import { useEffect } from 'react';
import { useApp, type Layout } from './store';
import { stepSelection, currentTableOrder } from './segmentationActions';

const LAYOUT_KEYS: Record<string, Layout> = { '1': 'axial', '2': 'coronal', '3': 'sagittal', '4': 'render', '5': 'multiplanar' };

/** Viewer shortcuts: 1-5 layouts, B FLAIR/MPRAGE background, G ground truth on/off, N/P next/previous lesion, Escape clears the selection, O open files. */
export function useKeyboard(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const s = useApp.getState();
      if (LAYOUT_KEYS[e.key]) s.setLayout(LAYOUT_KEYS[e.key]);
      else if (e.key === 'b' || e.key === 'B') s.setBackground(s.background === 'flair' ? 'mprage' : 'flair');
      else if (e.key === 'g' || e.key === 'G') s.setShowMask(!s.showMask);
      else if ((e.key === 'n' || e.key === 'N' || e.key === 'p' || e.key === 'P') && s.analysis) {
        const order = currentTableOrder(s);
        stepSelection(e.key.toLowerCase() === 'n' ? 1 : -1, order);
      } else if (e.key === 'Escape') {
        if (s.pending.length) s.setPending([]);
        else useApp.setState({ selection: null });
      } else if (e.key === 'o' || e.key === 'O') document.querySelector<HTMLInputElement>('[data-testid=file-input]')?.click();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
