import { useEffect } from 'react';
import { useApp, type Layout } from './store';
import { stepSelection, currentTableOrder } from './segmentationActions';

const LAYOUT_KEYS: Record<string, Layout> = { '1': 'axial', '2': 'coronal', '3': 'sagittal', '4': 'render', '5': 'multiplanar' };

// Only fields that take typed text keep the letters; a checkbox, radio button, slider or dropdown the user just
// used must not swallow the shortcuts (focus stays on it after a click).
const TEXT_TYPES = new Set(['text', 'number', 'search', 'email', 'password', 'url', 'tel']);
function typingInto(t: HTMLElement | null): boolean {
  if (!t) return false;
  if (t.isContentEditable || t.tagName === 'TEXTAREA') return true;
  return t.tagName === 'INPUT' && TEXT_TYPES.has((t as HTMLInputElement).type);
}

/** Viewer shortcuts: 1-5 layouts, B FLAIR/MPRAGE background, G ground truth on/off, Z zoom to the lesion, N/P next/previous lesion, Escape clears the selection, O open files. */
export function useKeyboard(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (typingInto(t)) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const s = useApp.getState();
      const k = e.key.toLowerCase();
      let handled = true;
      if (LAYOUT_KEYS[e.key]) s.setLayout(LAYOUT_KEYS[e.key]);
      else if (k === 'b') s.setBackground(s.background === 'flair' ? 'mprage' : 'flair');
      else if (k === 'g') s.setShowMask(!s.showMask);
      else if (k === 'z') useApp.setState({ zoomToLesion: !s.zoomToLesion });
      else if ((k === 'n' || k === 'p') && s.analysis) stepSelection(k === 'n' ? 1 : -1, currentTableOrder(s));
      else if (e.key === 'Escape') {
        if (s.pending.length) s.setPending([]);
        else useApp.setState({ selection: null });
      } else if (k === 'o') document.querySelector<HTMLInputElement>('[data-testid=file-input]')?.click();
      else handled = false;
      // a focused dropdown would also take the letter as type-ahead and change its value ('c' picking CPU)
      if (handled && t?.tagName === 'SELECT') {
        e.preventDefault();
        t.blur();
      }
    };
    // capture: before a focused dropdown sees the key
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, []);
}
