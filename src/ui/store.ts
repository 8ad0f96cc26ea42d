import { create } from 'zustand';
import type { LoadedCase } from '../core/volume';
import type { ScanRole } from '../core/volume/roles';

export type Background = 'flair' | 'mprage';
export type Layout = 'multiplanar' | 'axial' | 'coronal' | 'sagittal' | 'render';

/** A file the user dropped or picked, waiting for its role to be confirmed. */
export interface PendingFile {
  file: File;
  role: ScanRole | 'ignore';
}

export interface CaseInfo {
  name: string;
  flairName: string;
  mprageName: string;
  maskName?: string;
}

export interface CrosshairReadout {
  vox: [number, number, number];
  mm: [number, number, number];
  flair: number;
  mprage: number;
  mask?: number;
}

export interface WindowLevel {
  min: number;
  max: number;
}

interface AppState {
  scan: LoadedCase | null;
  caseInfo: CaseInfo | null;
  busy: string | null;
  error: string | null;
  notices: string[];
  pending: PendingFile[];
  background: Background;
  layout: Layout;
  showMask: boolean;
  window: Record<Background, WindowLevel | null>;
  crosshair: CrosshairReadout | null;
  setCase: (scan: LoadedCase, info: CaseInfo) => void;
  setBusy: (msg: string | null) => void;
  setError: (msg: string | null) => void;
  dismissNotice: (i: number) => void;
  setPending: (p: PendingFile[]) => void;
  setBackground: (b: Background) => void;
  setLayout: (l: Layout) => void;
  setShowMask: (v: boolean) => void;
  setWindow: (b: Background, w: WindowLevel | null) => void;
  setCrosshair: (c: CrosshairReadout | null) => void;
}

export const useApp = create<AppState>((set) => ({
  scan: null,
  caseInfo: null,
  busy: null,
  error: null,
  notices: [],
  pending: [],
  background: 'flair',
  layout: 'multiplanar',
  showMask: true,
  window: { flair: null, mprage: null },
  crosshair: null,
  setCase: (scan, caseInfo) =>
    set({ scan, caseInfo, notices: scan.notices, error: null, pending: [], crosshair: null, window: { flair: null, mprage: null } }),
  setBusy: (busy) => set({ busy }),
  setError: (error) => set({ error }),
  dismissNotice: (i) => set((s) => ({ notices: s.notices.filter((_, k) => k !== i) })),
  setPending: (pending) => set({ pending }),
  setBackground: (background) => set({ background }),
  setLayout: (layout) => set({ layout }),
  setShowMask: (showMask) => set({ showMask }),
  setWindow: (b, w) => set((s) => ({ window: { ...s.window, [b]: w } })),
  setCrosshair: (crosshair) => set({ crosshair }),
}));
