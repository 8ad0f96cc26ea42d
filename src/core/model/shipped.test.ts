import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifest } from './manifest.ts';
import { decodeOnnx } from './onnx/proto.ts';

// Every model the app lists must load: a valid manifest, its file, a Grad-CAM++ layer that exists in the
// graph, a size fit for a hospital network, held-out figures and the not-for-clinical-use statement.
const MODELS = 'public/models';
const index = JSON.parse(readFileSync(join(MODELS, 'index.json'), 'utf8')) as { models: { name: string; defaultThreshold: number }[] };

describe('shipped models', () => {
  it('lists the three architectures, the 3D U-Net first (the default)', () => {
    expect(index.models.map((m) => m.name)).toEqual(['unet3d', 'dynunet', 'swin_unetr']);
  });
  for (const entry of index.models) {
    it(`${entry.name}: manifest, file, Grad-CAM++ layer, size, metrics, intended use`, () => {
      const raw = JSON.parse(readFileSync(join(MODELS, entry.name, 'manifest.json'), 'utf8'));
      const m = validateManifest(raw);
      expect(m.threshold).toBe(entry.defaultThreshold);
      const file = join(MODELS, entry.name, m.file);
      expect(statSync(file).size).toBeLessThan(10e6);
      const graph = decodeOnnx(new Uint8Array(readFileSync(file)));
      expect(graph.nodes.some((n) => n.outputs.includes(raw.gradCamLayer))).toBe(true);
      expect(raw.metrics.cases).toBeGreaterThanOrEqual(1);
      expect(raw.metrics.evaluatedWith).toContain('LesionLens runtime');
      expect(raw.intendedUse).toMatch(/not for clinical use/i);
    });
  }
});
