import { describe, expect, it } from 'vitest';
import { RESEARCH_NOTICE, screenshotCaption, screenshotLayout } from './screenshot';

describe('exported view layout', () => {
  it('header, then the view unscaled, then the colour bar inside the footer', () => {
    const l = screenshotLayout(2000, 1400, 2, true);
    expect(l.header).toEqual({ x: 0, y: 0, width: 2000, height: 2 * 16 + 3 * 36 });
    expect(l.view).toEqual({ x: 0, y: 140, width: 2000, height: 1400 });
    expect(l.footer.y).toBe(1540);
    expect(l.height).toBe(l.footer.y + l.footer.height);
    const bar = l.colourBar!;
    expect(bar.y).toBeGreaterThan(l.footer.y);
    expect(bar.y + bar.height).toBeLessThan(l.height);
    expect(bar.width).toBe(720); // 360 css px at 2x
  });

  it('no footer without a colour bar; a narrow view keeps the bar inside', () => {
    const l = screenshotLayout(300, 200, 1, false);
    expect(l.colourBar).toBeNull();
    expect(l.height).toBe(l.view.y + 200);
    expect(screenshotLayout(200, 200, 1, true).colourBar!.width).toBe(200 - 16);
  });

  it('caption: notice, case, lesion, method, model, backend and time', () => {
    const lines = screenshotCaption({ appVersion: '0.1.0', caseName: 'test64', lesion: 'lesion 3', method: 'SmoothGrad (mean), N 2, seed 1', model: '3D U-Net (unet3d)', backend: 'cpu', time: new Date(Date.UTC(2026, 10, 27, 17, 5, 9)) });
    expect(lines[0]).toContain(RESEARCH_NOTICE);
    expect(lines[1]).toBe('case test64 · lesion 3 · SmoothGrad (mean), N 2, seed 1');
    expect(lines[2]).toBe('model 3D U-Net (unet3d) · backend cpu · 2026-11-27 17:05 UTC');
  });
});
