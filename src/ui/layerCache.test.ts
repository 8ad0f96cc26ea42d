import { describe, expect, it } from 'vitest';
import { LayerCache } from './layerCache';

describe('LayerCache', () => {
  it('rebuilds a layer only when an item of its key changed', async () => {
    const cache = new LayerCache<{ built: number }>();
    let builds = 0;
    const build = async () => ({ built: ++builds });
    const labels = new Int32Array(4);
    const a = await cache.get('outline', [labels, 3], build);
    const b = await cache.get('outline', [labels, 3], build);
    expect(b).toBe(a);
    expect(builds).toBe(1);
    // same values in a new array is new data (identity, not contents: contents would cost a full scan)
    await cache.get('outline', [new Int32Array(4), 3], build);
    expect(builds).toBe(2);
    await cache.get('outline', [labels, 4], build);
    expect(builds).toBe(3);
    // other layers are their own entries; clear drops everything
    await cache.get('brain', [labels, 4], build);
    expect(builds).toBe(4);
    cache.clear();
    await cache.get('brain', [labels, 4], build);
    expect(builds).toBe(5);
  });
});
