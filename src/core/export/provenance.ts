import type { InstanceSettings } from '../lesions';
import type { Mat4 } from '../volume';
import type { BackendPreference } from '../model';
import { EXPLAIN_METHOD_IDS, type ExplainSettings, isExplainMethod } from '../xai/methods/index.ts';

export const PROVENANCE_FORMAT = 'lesionlens-provenance/1';

/**
 * Everything needed to reproduce one explanation's maps: the scans it was made from, the model and its bytes' hash,
 * where it ran, the lesion-instance settings (which define the lesion) and the explanation settings (seed included).
 */
export interface ProvenanceRecord {
  format: typeof PROVENANCE_FORMAT;
  createdAt: string;
  app: { name: 'LesionLens'; version: string };
  case: { name: string; flair: string; mprage: string; mask: string | null; dims: [number, number, number]; voxToMm: number[] };
  model: { name: string; title: string; file: string; sha256: string | null };
  backend: { requested: BackendPreference; used: string | null; adapter: string | null };
  instanceSettings: InstanceSettings;
  lesion: { kind: 'predicted' | 'missed'; id: number } | null;
  explainSettings: ExplainSettings;
  /** the explanation that was on screen, if any: what its maps were and the worker's own record */
  explanation: { channels: string[]; exact: boolean; note: string; record: Record<string, number | string | null> } | null;
}

export interface ProvenanceInput {
  time: Date;
  appVersion: string;
  case: { name: string; flair: string; mprage: string; mask?: string; dims: [number, number, number]; voxToMm: Mat4 };
  model: ProvenanceRecord['model'];
  backend: ProvenanceRecord['backend'];
  instanceSettings: InstanceSettings;
  lesion: ProvenanceRecord['lesion'];
  explainSettings: ExplainSettings;
  explanation: ProvenanceRecord['explanation'];
}

export function buildProvenance(p: ProvenanceInput): ProvenanceRecord {
  return {
    format: PROVENANCE_FORMAT,
    createdAt: p.time.toISOString(),
    app: { name: 'LesionLens', version: p.appVersion },
    case: { name: p.case.name, flair: p.case.flair, mprage: p.case.mprage, mask: p.case.mask ?? null, dims: [...p.case.dims], voxToMm: [...p.case.voxToMm] },
    model: { ...p.model },
    backend: { ...p.backend },
    instanceSettings: { ...p.instanceSettings },
    lesion: p.lesion ? { ...p.lesion } : null,
    explainSettings: { ...p.explainSettings },
    explanation: p.explanation,
  };
}

export class ProvenanceError extends Error {}

const BACKENDS: BackendPreference[] = ['auto', 'webgpu', 'webgl', 'cpu'];

/** Reads a provenance JSON back, checking every field that settings are taken from; throws ProvenanceError with what is wrong. */
export function parseProvenance(text: string): ProvenanceRecord {
  let r: ProvenanceRecord;
  try {
    r = JSON.parse(text);
  } catch (e) {
    throw new ProvenanceError(`not JSON (${(e as Error).message})`);
  }
  const fail = (what: string) => {
    throw new ProvenanceError(`not a LesionLens provenance record: ${what}`);
  };
  if (!r || typeof r !== 'object' || r.format !== PROVENANCE_FORMAT) fail(`format is not '${PROVENANCE_FORMAT}'`);
  const isNum = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
  const isInt = (v: unknown, lo: number, hi: number) => isNum(v, lo, hi) && Number.isInteger(v);
  if (typeof r.model?.name !== 'string' || !r.model.name) fail('no model name');
  const i = r.instanceSettings;
  if (!i || !isNum(i.threshold, 0, 1)) fail('instance threshold missing or outside 0..1');
  if (![6, 18, 26].includes(i.connectivity)) fail('connectivity is not 6, 18 or 26');
  if (!isInt(i.maxDroppedVoxels, 0, 1e9)) fail('minimum lesion size is not a whole number');
  const e = r.explainSettings;
  if (!e || !isExplainMethod(e.method)) fail(`method is not one of ${EXPLAIN_METHOD_IDS.join(', ')}`);
  if (!isInt(e.samples, 1, 100000)) fail('noise samples N is not a positive whole number');
  if (!isInt(e.seed, -(2 ** 31), 2 ** 32)) fail('seed is not a whole number');
  if (e.cropMode !== 'exact' && e.cropMode !== 'fast') fail("crop is not 'exact' or 'fast'");
  if (!BACKENDS.includes(r.backend?.requested)) fail(`backend is not one of ${BACKENDS.join(', ')}`);
  if (r.lesion !== null && (!r.lesion || !['predicted', 'missed'].includes(r.lesion.kind) || !isInt(r.lesion.id, 1, 1e9))) fail('lesion is not a kind and a positive id');
  return r;
}
