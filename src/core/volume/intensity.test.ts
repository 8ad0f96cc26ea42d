import { expect, it } from 'vitest';
import { defaultWindow, quantileNonZero } from './intensity';

it('quantiles ignore the zero background (worked by hand)', () => {
  const data = Float32Array.from([0, 0, 0, 1, 2, 3, 4, 5, 0, 0]);
  expect(quantileNonZero(data, 0)).toBe(1);
  expect(quantileNonZero(data, 0.5)).toBe(3);
  expect(quantileNonZero(data, 1)).toBe(5);
  expect(defaultWindow(data, 0.75)).toEqual({ min: 0, max: 4 });
});
