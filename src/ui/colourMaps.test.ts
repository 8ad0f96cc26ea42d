import { describe, expect, it } from 'vitest';
import { GRADCAM_SEQUENTIAL, SALIENCY_NEGATIVE, SALIENCY_POSITIVE, colourAt, saliencyLegend, saliencyLevels, saliencyLut } from './colourMaps';

describe('colour maps', () => {
  it('interpolates linearly between control points (worked by hand)', () => {
    // SALIENCY_POSITIVE visible ramp: I 1 -> (120,0,0), I 128 -> (220,40,20), I 255 -> (255,235,90); t maps to I = 1 + 254 t
    expect(colourAt(SALIENCY_POSITIVE, 0)).toEqual([120, 0, 0]);
    expect(colourAt(SALIENCY_POSITIVE, 1)).toEqual([255, 235, 90]);
    // t = 63.5/254 -> I 64.5, half-way between I 1 and I 128
    expect(colourAt(SALIENCY_POSITIVE, 63.5 / 254)).toEqual([170, 20, 10]);
    // GRADCAM: I 180 -> (230,110,40), I 255 -> (255,240,90); t = 0.85 -> I = 216.9, f = 36.9 / 75 = 0.492
    const [r, g, b] = colourAt(GRADCAM_SEQUENTIAL, 0.85);
    expect([r, g, b]).toEqual([Math.round(230 + 0.492 * 25), Math.round(110 + 0.492 * 130), Math.round(40 + 0.492 * 50)]);
  });

  it('brightens with magnitude on the positive side', () => {
    const lum = (t: number) => colourAt(SALIENCY_POSITIVE, t).reduce((a, b) => a + b, 0);
    for (let t = 0.1; t <= 1; t += 0.1) expect(lum(t)).toBeGreaterThan(lum(t - 0.1));
  });
});

describe('saliency legend', () => {
  it('is symmetric from the largest |value| over both channels', () => {
    const flair = Float32Array.from([0.5, -2, 1]);
    const mprage = Float32Array.from([3, -0.1, 0]);
    const l = saliencyLegend([flair, mprage], false, 0.2, 'FLAIR');
    expect(l.signed).toBe(true);
    expect(l.maxAbs).toBe(3);
    expect(l.thresholdAbs).toBeCloseTo(0.6, 12);
    expect(l.title).toContain('FLAIR');
  });

  it('keeps Grad-CAM++ on its 0..1 scale', () => {
    const l = saliencyLegend([Float32Array.from([0.2, 0.4])], true, 0.3, 'FLAIR');
    expect(l.signed).toBe(false);
    expect(l.maxAbs).toBe(1);
    expect(l.thresholdAbs).toBeCloseTo(0.3, 12);
  });
});

describe('saliency colour levels (the map inside the viewer colour layer)', () => {
  const signed = { signed: true, thresholdAbs: 0.5, maxAbs: 2, unit: '', title: '' };

  it('spreads |value| from the threshold to the maximum over levels 1..255, negatives after 255 (worked by hand)', () => {
    // t = (|v| - 0.5) / 1.5: 2 -> 1 (level 255), 0.5 -> 0 (level 1), 1.25 -> 0.5 (level 1 + round(127) = 128)
    const levels = saliencyLevels(Float32Array.from([2, 0.5, 1.25, 0.4, 0, -2, -1.25, 3]), signed);
    expect(Array.from(levels)).toEqual([255, 1, 128, 0, 0, 510, 255 + 128, 255]);
  });

  it('leaves negatives of an unsigned map (Grad-CAM++) transparent', () => {
    const cam = { signed: false, thresholdAbs: 0, maxAbs: 1, unit: '', title: '' };
    expect(Array.from(saliencyLevels(Float32Array.from([-0.5, 0, 1e-6, 1]), cam))).toEqual([0, 0, 1, 255]);
  });

  it('colours level k as the colour bar colours t = (k - 1) / 254, at the overlay opacity', () => {
    const lut = saliencyLut(signed);
    expect(lut.I).toHaveLength(1 + 510);
    expect([lut.R[0], lut.A[0]]).toEqual([0, 0]);
    // level 128 is t = 0.5: SALIENCY_POSITIVE's control point I = 128 (220, 40, 20); level 510 is the negative end
    expect([lut.R[128], lut.G[128], lut.B[128]]).toEqual([220, 40, 20]);
    expect([lut.R[510], lut.G[510], lut.B[510]]).toEqual([110, 235, 255]);
    expect([lut.R[256], lut.G[256], lut.B[256]]).toEqual(colourAt(SALIENCY_NEGATIVE, 0));
    expect(lut.A[1]).toBe(217); // 0.85 x 255
    expect(saliencyLut({ ...signed, signed: false }).I).toHaveLength(256);
  });
});
