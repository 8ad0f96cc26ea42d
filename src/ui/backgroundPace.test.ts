import { describe, expect, it } from 'vitest';
import { BACKGROUND_BUDGET_S, formatDuration, projectedBackgroundSeconds } from './backgroundPace';

describe('projectedBackgroundSeconds', () => {
  it('is null before a unit is done', () => {
    expect(projectedBackgroundSeconds(30, 0, 50, 4)).toBeNull();
  });

  it('projects the rest of this lesion plus the others at the same pace (hand-worked)', () => {
    // 4 of 50 samples in 240 s: 3000 s a lesion; this one has 2760 s left, two more take 6000 s
    expect(projectedBackgroundSeconds(240, 4, 50, 3)).toBeCloseTo(8760, 9);
    // the last lesion, half done: as long again
    expect(projectedBackgroundSeconds(10, 25, 50, 1)).toBeCloseTo(10, 9);
  });

  it('tells an instance-norm model on the cpu (a minute per sample) from a croppable one', () => {
    expect(projectedBackgroundSeconds(240, 4, 50, 10)!).toBeGreaterThan(BACKGROUND_BUDGET_S);
    expect(projectedBackgroundSeconds(2, 4, 50, 10)!).toBeLessThan(BACKGROUND_BUDGET_S);
  });
});

describe('formatDuration', () => {
  it('picks seconds, minutes or hours', () => {
    expect(formatDuration(40.4)).toBe('40 s');
    expect(formatDuration(720)).toBe('12 min');
    expect(formatDuration(3 * 3600 + 1800)).toBe('3.5 h');
  });
});
