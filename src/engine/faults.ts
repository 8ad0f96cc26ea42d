// Test hook: make a job fail the way a GPU does, at a chosen window or batch, so recovery can be tested
// without a broken GPU. Set by the page's URL, e.g. ?fault=segment:device-lost@1 (see README, Privacy).

export type InjectedFaultKind = 'device-lost' | 'out-of-memory' | 'error';

export interface FaultSpec {
  job: 'segment' | 'explain';
  kind: InjectedFaultKind;
  /** 1-based window (segmentation) or batch (explanation) at which the fault strikes */
  at: number;
  /** how many times per job; each retry counts its windows or batches from 1 again */
  times: number;
}

/** Parses `job:kind@n` or `job:kind@nxT` (T times); null when absent or malformed. */
export function parseFaultSpec(text: string | null): FaultSpec | null {
  const m = /^(segment|explain):(device-lost|out-of-memory|error)@(\d+)(?:x(\d+))?$/.exec(text ?? '');
  if (!m) return null;
  return { job: m[1] as FaultSpec['job'], kind: m[2] as InjectedFaultKind, at: Number(m[3]), times: Number(m[4] ?? 1) };
}

/** Counts the faults left for one job. `strike(unit)` throws at the chosen unit while faults are left. */
export function faultInjector(spec: FaultSpec | null | undefined, job: FaultSpec['job'], breakDevice: () => void) {
  let left = spec?.job === job ? spec.times : 0;
  return {
    strike(unit: number) {
      if (!spec || left <= 0 || unit !== spec.at) return;
      left--;
      if (spec.kind === 'device-lost') {
        breakDevice(); // really destroy the GPU device / lose the WebGL context, so reusing it would fail
        throw new Error('The GPU device was lost (injected for testing)');
      }
      if (spec.kind === 'out-of-memory') throw new RangeError('Array buffer allocation failed: out of memory (injected for testing)');
      throw new Error('The model failed (injected for testing)');
    },
  };
}
