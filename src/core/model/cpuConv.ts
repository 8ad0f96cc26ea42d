// Faster 3D convolutions for the cpu backend (channels-last NDHWC, as tfjs stores them).
// tfjs-cpu accumulates every multiply-add straight into the output array (load, multiply, add, store
// per MAC). Here each output value is one dot product kept in local variables, four output channels
// at a time: the forward pass gathers the receptive patch once (zeros outside the volume) and dots it
// with the filter transposed to [outChannel][patch]; the input gradient (also the forward pass of a
// transposed convolution) scatters each output voxel back through the filter, a dot product over the
// output channels per input channel. Sums run in another order than tfjs's, so results agree to float32
// rounding, not bit for bit (cpuConv.test.ts compares both).
import type { backend_util } from '@tensorflow/tfjs';

type Conv3DInfo = backend_util.Conv3DInfo;

/** Gathers the receptive patch of output voxel (b, oz, oy, ox) in filter order (dz, dy, dx, channel). */
function gatherPatch(col: Float32Array, x: ArrayLike<number>, info: Conv3DInfo, b: number, oz: number, oy: number, ox: number): void {
  const { inDepth, inHeight, inWidth, inChannels: ci, filterDepth: kd, filterHeight: kh, filterWidth: kw,
    strideDepth: sd, strideHeight: sh, strideWidth: sw, dilationDepth: dd, dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  let c = 0;
  const x0 = ox * sw - padInfo.left;
  const rowInside = dw === 1 && x instanceof Float32Array && x0 >= 0 && x0 + kw <= inWidth;
  for (let fz = 0; fz < kd; fz++) {
    const iz = oz * sd - padInfo.front + fz * dd;
    for (let fy = 0; fy < kh; fy++) {
      const iy = oy * sh - padInfo.top + fy * dh;
      if (iz < 0 || iz >= inDepth || iy < 0 || iy >= inHeight) {
        col.fill(0, c, c + kw * ci);
        c += kw * ci;
        continue;
      }
      const rowBase = ((b * inDepth + iz) * inHeight + iy) * inWidth;
      if (rowInside) { // one copy for the whole filter row
        const start = (rowBase + x0) * ci;
        col.set((x as Float32Array).subarray(start, start + kw * ci), c);
        c += kw * ci;
        continue;
      }
      for (let fx = 0; fx < kw; fx++) {
        const ix = x0 + fx * dw;
        if (ix < 0 || ix >= inWidth) {
          for (let i = 0; i < ci; i++) col[c++] = 0;
        } else {
          const base = (rowBase + ix) * ci;
          for (let i = 0; i < ci; i++) col[c++] = x[base + i];
        }
      }
    }
  }
}

/** y = conv3d(x, filter) for x [batch, inD, inH, inW, inC] and filter [kD, kH, kW, inC, outC]. */
export function conv3dForward(x: ArrayLike<number>, filter: ArrayLike<number>, info: Conv3DInfo): Float32Array {
  const { batchSize, outDepth, outHeight, outWidth, outChannels: co, filterDepth: kd, filterHeight: kh, filterWidth: kw, inChannels: ci } = info;
  const patch = kd * kh * kw * ci;
  // filter as [outChannel][patch], so each output channel is one contiguous dot product
  const wT = new Float32Array(co * patch);
  for (let k = 0; k < patch; k++) for (let o = 0; o < co; o++) wT[o * patch + k] = filter[k * co + o];
  const col0 = new Float32Array(patch);
  const col1 = new Float32Array(patch);
  const y = new Float32Array(batchSize * outDepth * outHeight * outWidth * co);
  let yi = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oz = 0; oz < outDepth; oz++) {
      for (let oy = 0; oy < outHeight; oy++) {
        // two neighbouring output voxels share each filter load: 8 sums in flight, 6 loads per 8 MACs
        let ox = 0;
        for (; ox + 2 <= outWidth; ox += 2, yi += 2 * co) {
          gatherPatch(col0, x, info, b, oz, oy, ox);
          gatherPatch(col1, x, info, b, oz, oy, ox + 1);
          let o = 0;
          for (; o + 4 <= co; o += 4) {
            const p0 = o * patch, p1 = p0 + patch, p2 = p1 + patch, p3 = p2 + patch;
            let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
            for (let k = 0; k < patch; k++) {
              const u = col0[k], v = col1[k];
              const w0 = wT[p0 + k], w1 = wT[p1 + k], w2 = wT[p2 + k], w3 = wT[p3 + k];
              a0 += u * w0; a1 += u * w1; a2 += u * w2; a3 += u * w3;
              b0 += v * w0; b1 += v * w1; b2 += v * w2; b3 += v * w3;
            }
            y[yi + o] = a0; y[yi + o + 1] = a1; y[yi + o + 2] = a2; y[yi + o + 3] = a3;
            y[yi + co + o] = b0; y[yi + co + o + 1] = b1; y[yi + co + o + 2] = b2; y[yi + co + o + 3] = b3;
          }
          for (; o < co; o++) {
            const p = o * patch;
            let a = 0, c = 0;
            for (let k = 0; k < patch; k++) {
              a += col0[k] * wT[p + k];
              c += col1[k] * wT[p + k];
            }
            y[yi + o] = a;
            y[yi + co + o] = c;
          }
        }
        for (; ox < outWidth; ox++, yi += co) { // odd width: the last voxel alone
          gatherPatch(col0, x, info, b, oz, oy, ox);
          for (let o = 0; o < co; o++) {
            const p = o * patch;
            let a = 0;
            for (let k = 0; k < patch; k++) a += col0[k] * wT[p + k];
            y[yi + o] = a;
          }
        }
      }
    }
  }
  return y;
}

/**
 * dx = the gradient of conv3d with respect to its input, for dy [batch, outD, outH, outW, outC] and
 * filter [kD, kH, kW, inC, outC] (no dilation: tfjs's Conv3DBackpropInputV2 has none). Also the forward
 * pass of a transposed convolution.
 */
export function conv3dInputGradient(dy: ArrayLike<number>, filter: ArrayLike<number>, info: Conv3DInfo): Float32Array {
  const {
    batchSize, inDepth, inHeight, inWidth, inChannels: ci, outDepth, outHeight, outWidth, outChannels: co,
    filterDepth: kd, filterHeight: kh, filterWidth: kw, strideDepth: sd, strideHeight: sh, strideWidth: sw, padInfo,
  } = info;
  const dx = new Float32Array(batchSize * inDepth * inHeight * inWidth * ci);
  const g = new Float32Array(co);
  let di = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oz = 0; oz < outDepth; oz++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++, di += co) {
          let any = false;
          for (let o = 0; o < co; o++) {
            g[o] = dy[di + o];
            if (g[o] !== 0) any = true;
          }
          if (!any) continue; // a zero gradient scatters nothing (common: outside a lesion crop's reach)
          for (let fz = 0; fz < kd; fz++) {
            const iz = oz * sd - padInfo.front + fz;
            if (iz < 0 || iz >= inDepth) continue;
            for (let fy = 0; fy < kh; fy++) {
              const iy = oy * sh - padInfo.top + fy;
              if (iy < 0 || iy >= inHeight) continue;
              for (let fx = 0; fx < kw; fx++) {
                const ix = ox * sw - padInfo.left + fx;
                if (ix < 0 || ix >= inWidth) continue;
                const t = (((b * inDepth + iz) * inHeight + iy) * inWidth + ix) * ci;
                const w = ((fz * kh + fy) * kw + fx) * ci * co;
                let i = 0;
                for (; i + 4 <= ci; i += 4) { // four input channels per pass over g
                  const w0 = w + i * co, w1 = w0 + co, w2 = w1 + co, w3 = w2 + co;
                  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                  for (let o = 0; o < co; o++) {
                    const v = g[o];
                    s0 += filter[w0 + o] * v;
                    s1 += filter[w1 + o] * v;
                    s2 += filter[w2 + o] * v;
                    s3 += filter[w3 + o] * v;
                  }
                  dx[t + i] += s0;
                  dx[t + i + 1] += s1;
                  dx[t + i + 2] += s2;
                  dx[t + i + 3] += s3;
                }
                for (; i < ci; i++) {
                  const wi = w + i * co;
                  let s = 0;
                  for (let o = 0; o < co; o++) s += filter[wi + o] * g[o];
                  dx[t + i] += s;
                }
              }
            }
          }
        }
      }
    }
  }
  return dx;
}
