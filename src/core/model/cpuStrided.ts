// The strided walk that Slice, SplitV, Transpose and Mean's axis move share (cpuKernels.ts, cpuPointwise.ts).

/** dst[o] = src[offset + sum_a index_a(o) * strides[a]] over an output of `shape`, in output order. */
export function stridedCopy(src: ArrayLike<number>, shapeIn: readonly number[], stridesIn: readonly number[], offset: number, dst: Float32Array | Int32Array | Uint8Array): void {
  // merge neighbouring axes that walk the source as one (and drop axes of size 1), so that the inner loop
  // is as long as it can be: a one-channel slice of [.., 48, 2] is one loop of stride 2, not rows of one
  const shape: number[] = [], strides: number[] = [];
  shapeIn.forEach((n, a) => {
    if (n === 1) return;
    const r = shape.length - 1;
    if (r >= 0 && strides[r] === n * stridesIn[a]) {
      shape[r] *= n;
      strides[r] = stridesIn[a];
    } else {
      shape.push(n);
      strides.push(stridesIn[a]);
    }
  });
  const rank = shape.length;
  const total = dst.length;
  if (total === 0) return;
  if (rank === 0) { // one element
    dst[0] = src[offset];
    return;
  }
  const last = shape[rank - 1];
  const step = strides[rank - 1];
  if (rank >= 2 && last <= 8 && step !== 1 && strides[rank - 2] === 1) {
    interleave(src, shape, strides, offset, dst);
    return;
  }
  const index = new Array(rank - 1).fill(0);
  let base = offset;
  for (let o = 0; o < total; o += last) {
    if (step === 1 && src instanceof dst.constructor) {
      dst.set((src as Float32Array).subarray(base, base + last), o);
    } else {
      for (let k = 0, s = base; k < last; k++, s += step) dst[o + k] = src[s];
    }
    // odometer over the outer axes
    for (let a = rank - 2; a >= 0; a--) {
      index[a]++;
      base += strides[a];
      if (index[a] < shape[a]) break;
      base -= index[a] * strides[a];
      index[a] = 0;
    }
  }
}

/** A few channels moved last (a model's input, channels first -> last, and its gradient): rows of a short last
 * axis would make the odometer step every few elements; here each channel is one long contiguous read. */
function interleave(src: ArrayLike<number>, shape: readonly number[], strides: readonly number[], offset: number, dst: Float32Array | Int32Array | Uint8Array): void {
  const rank = shape.length;
  const rows = shape[rank - 2], last = shape[rank - 1], step = strides[rank - 1];
  const outer = shape.slice(0, rank - 2);
  const index = new Array(outer.length).fill(0);
  let base = offset;
  for (let o = 0; o < dst.length; o += rows * last) {
    for (let k = 0; k < last; k++) {
      const from = base + k * step;
      for (let r = 0; r < rows; r++) dst[o + r * last + k] = src[from + r];
    }
    for (let a = outer.length - 1; a >= 0; a--) {
      index[a]++;
      base += strides[a];
      if (index[a] < outer[a]) break;
      base -= index[a] * strides[a];
      index[a] = 0;
    }
  }
}
