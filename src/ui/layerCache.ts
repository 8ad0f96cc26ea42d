/**
 * The viewer's overlay layers, kept between repaints. On the whole brain each layer is millions of voxels
 * (an outline, a NIfTI written and parsed for NiiVue): rebuilding all of them on every click froze the page for
 * seconds. A layer is rebuilt only when what it is made of changed: its key, compared item by item by identity
 * (data arrays, the analysis object) or value (ids, channel). Colours, opacity and scale are set on the kept
 * layer by the caller, which costs nothing.
 */
export class LayerCache<T> {
  private layers = new Map<string, { key: readonly unknown[]; layer: T }>();

  async get(name: string, key: readonly unknown[], build: () => Promise<T>): Promise<T> {
    const kept = this.layers.get(name);
    if (kept && kept.key.length === key.length && kept.key.every((k, i) => Object.is(k, key[i]))) return kept.layer;
    const layer = await build();
    this.layers.set(name, { key, layer });
    return layer;
  }

  /** A new scan: nothing of the last one can be reused. */
  clear(): void {
    this.layers.clear();
  }
}
