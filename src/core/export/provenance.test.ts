import { describe, expect, it } from 'vitest';
import { buildProvenance, parseProvenance, ProvenanceError, type ProvenanceInput } from './provenance';

const INPUT: ProvenanceInput = {
  time: new Date(Date.UTC(2026, 10, 27, 17, 0, 0)),
  appVersion: '0.1.0',
  case: { name: 'test64', flair: 'flair.nii.gz', mprage: 'mprage.nii.gz', mask: 'lesions.nii.gz', dims: [64, 64, 64], voxToMm: [1, 0, 0, -32, 0, 1, 0, -40, 0, 0, 1, -10, 0, 0, 0, 1] },
  model: { name: 'unet3d', title: '3D U-Net', file: 'model.onnx', sha256: 'ab'.repeat(32) },
  backend: { requested: 'cpu', used: 'cpu', adapter: 'cpu' },
  instanceSettings: { threshold: 0.1, connectivity: 18, maxDroppedVoxels: 5 },
  lesion: { kind: 'predicted', id: 3 },
  explainSettings: { method: 'smoothgrad-mean', samples: 2, seed: 7, cropMode: 'exact' },
  explanation: { channels: ['FLAIR', 'MPRAGE'], exact: true, note: 'exact', record: { sigma: 0.1 } },
};

describe('provenance record', () => {
  it('survives JSON and reads back with every setting', () => {
    const record = buildProvenance(INPUT);
    const back = parseProvenance(JSON.stringify(record, null, 2));
    expect(back).toEqual(record);
    expect(back.createdAt).toBe('2026-11-27T17:00:00.000Z');
    expect(back.explainSettings).toEqual({ method: 'smoothgrad-mean', samples: 2, seed: 7, cropMode: 'exact' });
    expect(back.model.sha256).toHaveLength(64);
  });

  const broken = (change: (r: Record<string, unknown>) => void) => {
    const r = JSON.parse(JSON.stringify(buildProvenance(INPUT)));
    change(r);
    return () => parseProvenance(JSON.stringify(r));
  };

  it('refuses what cannot be applied, saying which field', () => {
    expect(() => parseProvenance('{')).toThrow(ProvenanceError);
    expect(broken((r) => (r.format = 'other/1'))).toThrow(/format/);
    expect(broken((r) => ((r.explainSettings as Record<string, unknown>).method = 'lime'))).toThrow(/method/);
    expect(broken((r) => ((r.explainSettings as Record<string, unknown>).samples = 0))).toThrow(/samples/);
    expect(broken((r) => ((r.explainSettings as Record<string, unknown>).seed = 1.5))).toThrow(/seed/);
    expect(broken((r) => ((r.instanceSettings as Record<string, unknown>).connectivity = 8))).toThrow(/connectivity/);
    expect(broken((r) => ((r.instanceSettings as Record<string, unknown>).threshold = 2))).toThrow(/threshold/);
    expect(broken((r) => (r.lesion = { kind: 'predicted', id: 0 }))).toThrow(/lesion/);
    expect(broken((r) => ((r.backend as Record<string, unknown>).requested = 'wasm'))).toThrow(/backend/);
    expect(broken((r) => (r.lesion = null))).not.toThrow();
  });
});
