// manifest.json, the description that sits beside every model in public/models/<name>/.
// Validated on load; a bad manifest is refused with a message naming the field.
import { guessRole, type ScanRole } from '../volume/roles.ts';
import { DEFAULT_MAX_DROPPED_VOXELS } from '../lesions/analyse.ts';

export type ModelFormat = 'onnx' | 'tfjs-layers' | 'tfjs-graph';
/** softmax2: [background, lesion] logits; softmax: K class logits (\`classes\`), one of them the lesion class;
 * sigmoid1: one lesion logit; probability: one channel that is already the lesion probability (explained through
 * its logit, core/model/output.ts outputAsLogits). */
export type OutputKind = 'softmax2' | 'softmax' | 'sigmoid1' | 'probability';
/** How each input channel is scaled over the brain before the model sees it (segmentScan.ts normaliseBrain). */
export type Normalisation = 'zscore-brain' | 'percentile-brain' | 'none';
/** The image scans the app opens (FLAIR, and a T1: MPRAGE or other): every model channel is one of them. */
export type ImageRole = Exclude<ScanRole, 'mask'>;

export interface ModelManifest {
  name: string;
  format: ModelFormat;
  /** Model file relative to the manifest (.onnx, or model.json for tfjs). */
  file: string;
  /** Input channel order, by name (e.g. ["FLAIR", "MPRAGE"], ["T1", "FLAIR"], ["FLAIR"]); each is a ScanRole (channelRoles). */
  inputChannels: string[];
  /** How each channel was normalised in training: z-score over the brain, 1st-99th percentile of the brain to [0, 1], or none. */
  normalisation: Normalisation;
  /** Voxel size the model was trained at, mm, in the model's axis order (spatialAxes). */
  spacingMm: [number, number, number];
  /** Sliding-window size in voxels, in the model's axis order (spatialAxes; [z, y, x] by default). */
  windowSizeVoxels: [number, number, number];
  /** spacingMm and windowSizeVoxels in the volume's x, y, z order: derived at load, what the app's code uses. */
  spacingMmXyz: [number, number, number];
  windowXyz: [number, number, number];
  /** Every spatial input size must be a multiple of this (the model's total stride). */
  sizeMultiple: number;
  /** Which volume axes the model's three spatial axes are: 'zyx' (default) or 'xyz'. */
  spatialAxes: 'zyx' | 'xyz';
  /** classes: the number of output channels (2 for softmax2, 1 for sigmoid1 and probability) */
  output: { kind: OutputKind; lesionChannel: number; classes: number };
  /** Lesion-probability threshold. */
  threshold: number;
  /** The model's default for the smallest lesion: components of this many voxels or fewer are dropped (chosen on
   * validation like the threshold; absent: method.md's 5). */
  maxDroppedVoxels: number;
  /** Intermediate tensor used by Grad-CAM++ unless the user picks another. */
  gradCamLayer: string;
  receptiveFieldVoxels: number | null;
  provenance: string;
  metrics: Record<string, number | string>;
  intendedUse: string;
}

const FORMATS: ModelFormat[] = ['onnx', 'tfjs-layers', 'tfjs-graph'];
const KINDS: OutputKind[] = ['softmax2', 'softmax', 'sigmoid1', 'probability'];
const NORMALISATIONS: Normalisation[] = ['zscore-brain', 'percentile-brain', 'none'];

/** Which opened scan feeds a channel named so (the same guess as for file names): FLAIR, or any T1-weighted image
 * (T1, MPRAGE, spin echo, ...). */
export function scanRoleOf(channelName: string): ImageRole | null {
  const role = guessRole(channelName);
  return role === 'flair' || role === 'mprage' ? role : null;
}

export class ManifestError extends Error {
  constructor(readonly field: string, message: string) {
    super(`manifest.json: field '${field}' ${message}`);
  }
}

type Json = Record<string, unknown>;

function str(m: Json, field: string): string {
  const v = m[field];
  if (typeof v !== 'string' || !v.trim()) throw new ManifestError(field, 'must be a non-empty string');
  return v;
}

function positiveTriple(m: Json, field: string, integer: boolean): [number, number, number] {
  const v = m[field];
  if (!Array.isArray(v) || v.length !== 3 || !v.every((n) => typeof n === 'number' && n > 0 && (!integer || Number.isInteger(n)))) {
    throw new ManifestError(field, `must be 3 positive ${integer ? 'integers' : 'numbers'}`);
  }
  return v as [number, number, number];
}

/** The scan role of each model channel, in the model's order (validateManifest checked that each has one). */
export function channelRoles(m: Pick<ModelManifest, 'inputChannels'>): ImageRole[] {
  return m.inputChannels.map((c) => scanRoleOf(c)!);
}

export function validateManifest(raw: unknown): ModelManifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ManifestError('(root)', 'must be a JSON object');
  }
  const m = raw as Json;
  const format = str(m, 'format') as ModelFormat;
  if (!FORMATS.includes(format)) throw new ManifestError('format', `must be one of ${FORMATS.join(', ')}`);
  const inputChannels = m.inputChannels;
  if (!Array.isArray(inputChannels) || inputChannels.length < 1 || !inputChannels.every((c) => typeof c === 'string')) {
    throw new ManifestError('inputChannels', 'must be a list of channel names, e.g. ["FLAIR", "MPRAGE"]');
  }
  const roles = (inputChannels as string[]).map(scanRoleOf);
  const unknown = (inputChannels as string[]).filter((_, i) => !roles[i]);
  if (unknown.length) throw new ManifestError('inputChannels', `names ${unknown.map((c) => `'${c}'`).join(', ')}: this app opens a FLAIR and a T1-weighted scan, so each channel must be FLAIR or a T1 (T1, MPRAGE, ...)`);
  if (new Set(roles).size !== roles.length) throw new ManifestError('inputChannels', 'names the same scan twice');
  const normalisation = str(m, 'normalisation') as Normalisation;
  if (!NORMALISATIONS.includes(normalisation)) throw new ManifestError('normalisation', `must be one of ${NORMALISATIONS.join(', ')}`);
  const output = m.output as Json | undefined;
  if (typeof output !== 'object' || output === null) throw new ManifestError('output', 'must be an object {kind, lesionChannel}');
  const kind = output.kind as OutputKind;
  if (!KINDS.includes(kind)) throw new ManifestError('output.kind', `must be one of ${KINDS.join(', ')}`);
  const lesionChannel = output.lesionChannel;
  const channels = (kind === 'softmax2' ? 2 : kind === 'sigmoid1' || kind === 'probability' ? 1 : output.classes) as number;
  if (kind === 'softmax' && !(Number.isInteger(channels) && channels >= 2)) throw new ManifestError('output.classes', 'must be an integer of at least 2 for softmax');
  if (!Number.isInteger(lesionChannel) || (lesionChannel as number) < 0 || (lesionChannel as number) >= channels) {
    throw new ManifestError('output.lesionChannel', `must be an integer in [0, ${(channels as number) - 1}] for ${kind}`);
  }
  const threshold = m.threshold;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) {
    throw new ManifestError('threshold', 'must be a number in (0, 1)');
  }
  const maxDroppedVoxels = m.maxDroppedVoxels ?? DEFAULT_MAX_DROPPED_VOXELS;
  if (!Number.isInteger(maxDroppedVoxels) || (maxDroppedVoxels as number) < 0) throw new ManifestError('maxDroppedVoxels', 'must be a whole number of voxels (0 or more)');
  const sizeMultiple = m.sizeMultiple ?? 1;
  if (!Number.isInteger(sizeMultiple) || (sizeMultiple as number) < 1) throw new ManifestError('sizeMultiple', 'must be a positive integer');
  const windowSizeVoxels = positiveTriple(m, 'windowSizeVoxels', true);
  if (windowSizeVoxels.some((n) => n % (sizeMultiple as number))) {
    throw new ManifestError('windowSizeVoxels', `must be multiples of sizeMultiple (${sizeMultiple})`);
  }
  const spatialAxes = m.spatialAxes ?? 'zyx';
  if (spatialAxes !== 'zyx' && spatialAxes !== 'xyz') throw new ManifestError('spatialAxes', "must be 'zyx' or 'xyz'");
  const rf = m.receptiveFieldVoxels ?? null;
  if (rf !== null && !(typeof rf === 'number' && rf > 0)) throw new ManifestError('receptiveFieldVoxels', 'must be a positive number or null');
  const metrics = m.metrics ?? {};
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) throw new ManifestError('metrics', 'must be an object');
  const spacingMm = positiveTriple(m, 'spacingMm', false);
  const toXyz = (t: [number, number, number]): [number, number, number] => (spatialAxes === 'zyx' ? [t[2], t[1], t[0]] : [...t]);
  return {
    name: str(m, 'name'),
    format,
    file: str(m, 'file'),
    inputChannels: inputChannels as string[],
    normalisation,
    spacingMm,
    windowSizeVoxels,
    spacingMmXyz: toXyz(spacingMm),
    windowXyz: toXyz(windowSizeVoxels),
    sizeMultiple: sizeMultiple as number,
    spatialAxes,
    output: { kind, lesionChannel: lesionChannel as number, classes: channels as number },
    threshold,
    maxDroppedVoxels: maxDroppedVoxels as number,
    gradCamLayer: str(m, 'gradCamLayer'),
    receptiveFieldVoxels: rf as number | null,
    provenance: str(m, 'provenance'),
    metrics: metrics as Record<string, number | string>,
    intendedUse: str(m, 'intendedUse'),
  };
}
