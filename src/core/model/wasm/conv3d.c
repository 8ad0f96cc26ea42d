// 3D convolution kernels for the tfjs cpu backend, compiled to WebAssembly with SIMD (scripts/build-wasm.sh).
//
// One routine serves the forward pass, the input gradient and the transposed convolution: every output
// voxel of a regular grid is a sum over taps t and source channels c of src[voxel's source + toff[t] + c]
// times w[woff[t] + c * CO + o], four output channels per SIMD lane group. The caller (wasmConv.ts) pads
// the source with zeros so that no tap reads outside it, and splits a strided input gradient into one
// grid per stride phase (each phase has its own taps), so there are no bounds tests in the loops.
//
// Register blocking: four neighbouring grid voxels x eight output channels = eight f32x4 sums held in
// locals; per (tap, channel) two weight loads and four broadcasts feed eight multiply-adds.
// rowMask marks source rows (batch, z, y) that hold a non-zero value: a tap whose source row is all zero
// adds nothing and is skipped (the gradient of one lesion's score is zero far from the lesion).
// No stack, no static data: several instances share one memory (threads), each with its own row range.
#include <stdint.h>
#include <wasm_simd128.h>

typedef struct {
  int32_t src, w, out, toff, woff, rowMask; // byte addresses in this memory
  int32_t T, CI, CO;                          // taps, source channels, output channels
  int32_t B, nz, ny, nx;                      // batch, grid size
  int32_t SD, SH, SW;                         // source dims in voxels (padded)
  int32_t OD, OH, OW;                         // output dims in voxels
  int32_t pz, py, px, sz, sy, sx;             // grid origin and step, output voxels
  int32_t qz0, qy0, qx0, qz, qy, qx;          // source voxel of grid point 0 and step per grid step
  int32_t wBatch;                             // weights per batch item (a batched matmul), 0: shared
} Params;

// One grid row (nx voxels): taps whose row is zero are dropped by the caller (list, count).
static void gridRow(const float *src, const float *w, const int32_t *toff, const int32_t *woff, const int32_t *live,
                    int32_t nLive, int32_t CI, int32_t CO, float *out, int32_t nx, int32_t outStep, int32_t srcStep) {
  int32_t o = 0;
  for (; o + 8 <= CO; o += 8) {
    int32_t l = 0;
    for (; l + 4 <= nx; l += 4) {
      v128_t a0 = wasm_f32x4_splat(0), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
      const float *s = src + l * srcStep;
      for (int32_t i = 0; i < nLive; i++) {
        const int32_t t = live[i];
        const float *st = s + toff[t];
        const float *wt = w + woff[t] + o;
        for (int32_t c = 0; c < CI; c++, wt += CO) {
          const v128_t w0 = wasm_v128_load(wt), w1 = wasm_v128_load(wt + 4);
          const v128_t x0 = wasm_v128_load32_splat(st + c), x1 = wasm_v128_load32_splat(st + c + srcStep);
          const v128_t x2 = wasm_v128_load32_splat(st + c + 2 * srcStep), x3 = wasm_v128_load32_splat(st + c + 3 * srcStep);
          a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x0, w0)); a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x0, w1));
          b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(x1, w0)); b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(x1, w1));
          c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(x2, w0)); c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(x2, w1));
          d0 = wasm_f32x4_add(d0, wasm_f32x4_mul(x3, w0)); d1 = wasm_f32x4_add(d1, wasm_f32x4_mul(x3, w1));
        }
      }
      float *y = out + l * outStep + o;
      wasm_v128_store(y, a0); wasm_v128_store(y + 4, a1);
      wasm_v128_store(y + outStep, b0); wasm_v128_store(y + outStep + 4, b1);
      wasm_v128_store(y + 2 * outStep, c0); wasm_v128_store(y + 2 * outStep + 4, c1);
      wasm_v128_store(y + 3 * outStep, d0); wasm_v128_store(y + 3 * outStep + 4, d1);
    }
    for (; l < nx; l++) {
      v128_t a0 = wasm_f32x4_splat(0), a1 = a0;
      const float *s = src + l * srcStep;
      for (int32_t i = 0; i < nLive; i++) {
        const int32_t t = live[i];
        const float *st = s + toff[t];
        const float *wt = w + woff[t] + o;
        for (int32_t c = 0; c < CI; c++, wt += CO) {
          const v128_t x0 = wasm_v128_load32_splat(st + c);
          a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x0, wasm_v128_load(wt)));
          a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x0, wasm_v128_load(wt + 4)));
        }
      }
      float *y = out + l * outStep + o;
      wasm_v128_store(y, a0); wasm_v128_store(y + 4, a1);
    }
  }
  for (; o + 4 <= CO; o += 4) {
    int32_t l = 0;
    for (; l + 4 <= nx; l += 4) {
      v128_t a = wasm_f32x4_splat(0), b = a, c4 = a, d = a;
      const float *s = src + l * srcStep;
      for (int32_t i = 0; i < nLive; i++) {
        const int32_t t = live[i];
        const float *st = s + toff[t];
        const float *wt = w + woff[t] + o;
        for (int32_t c = 0; c < CI; c++, wt += CO) {
          const v128_t w0 = wasm_v128_load(wt);
          a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load32_splat(st + c), w0));
          b = wasm_f32x4_add(b, wasm_f32x4_mul(wasm_v128_load32_splat(st + c + srcStep), w0));
          c4 = wasm_f32x4_add(c4, wasm_f32x4_mul(wasm_v128_load32_splat(st + c + 2 * srcStep), w0));
          d = wasm_f32x4_add(d, wasm_f32x4_mul(wasm_v128_load32_splat(st + c + 3 * srcStep), w0));
        }
      }
      float *y = out + l * outStep + o;
      wasm_v128_store(y, a); wasm_v128_store(y + outStep, b);
      wasm_v128_store(y + 2 * outStep, c4); wasm_v128_store(y + 3 * outStep, d);
    }
    for (; l < nx; l++) {
      v128_t a = wasm_f32x4_splat(0);
      const float *s = src + l * srcStep;
      for (int32_t i = 0; i < nLive; i++) {
        const int32_t t = live[i];
        const float *st = s + toff[t];
        const float *wt = w + woff[t] + o;
        for (int32_t c = 0; c < CI; c++, wt += CO) a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load32_splat(st + c), wasm_v128_load(wt)));
      }
      wasm_v128_store(out + l * outStep + o, a);
    }
  }
  for (; o < CO; o++) { // fewer than four channels left (e.g. a one-channel head): scalar, four source channels a step
    for (int32_t l = 0; l < nx; l++) {
      v128_t a = wasm_f32x4_splat(0);
      float r = 0;
      const float *s = src + l * srcStep;
      for (int32_t i = 0; i < nLive; i++) {
        const int32_t t = live[i];
        const float *st = s + toff[t];
        const float *wt = w + woff[t] + o;
        int32_t c = 0;
        for (; c + 4 <= CI; c += 4)
          a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(st + c),
                wasm_f32x4_make(wt[c * CO], wt[(c + 1) * CO], wt[(c + 2) * CO], wt[(c + 3) * CO])));
        for (; c < CI; c++) r += st[c] * wt[c * CO];
      }
      out[l * outStep + o] = r + wasm_f32x4_extract_lane(a, 0) + wasm_f32x4_extract_lane(a, 1)
                           + wasm_f32x4_extract_lane(a, 2) + wasm_f32x4_extract_lane(a, 3);
    }
  }
}

/** Grid rows [row0, row1) of one grid (rows count batch x nz x ny). liveTaps: scratch of T int32 for this instance. */
__attribute__((export_name("convRows")))
void convRows(const Params *p, int32_t row0, int32_t row1, int32_t *liveTaps) {
  const float *src = (const float *)(intptr_t)p->src;
  const float *w = (const float *)(intptr_t)p->w;
  float *out = (float *)(intptr_t)p->out;
  const int32_t *toff = (const int32_t *)(intptr_t)p->toff;
  const int32_t *woff = (const int32_t *)(intptr_t)p->woff;
  const uint8_t *mask = (const uint8_t *)(intptr_t)p->rowMask;
  // toff[T + t] is tap t's source row offset (dz * SH + dy), for the row mask
  const int32_t *trow = toff + p->T;
  const int32_t CO = p->CO, CI = p->CI, T = p->T;
  const int32_t outStep = p->sx * CO, srcStep = p->qx * CI;
  for (int32_t r = row0; r < row1; r++) {
    const int32_t b = r / (p->nz * p->ny), rz = r % (p->nz * p->ny);
    const int32_t j = rz / p->ny, k = rz % p->ny;
    const int32_t srcRow = (b * p->SD + p->qz0 + p->qz * j) * p->SH + p->qy0 + p->qy * k;
    int32_t nLive = 0;
    for (int32_t t = 0; t < T; t++) if (mask[srcRow + trow[t]]) liveTaps[nLive++] = t;
    const int32_t outVoxel = ((b * p->OD + p->pz + p->sz * j) * p->OH + p->py + p->sy * k) * p->OW + p->px;
    float *y = out + outVoxel * CO;
    if (nLive == 0) {
      for (int32_t l = 0; l < p->nx; l++) for (int32_t o = 0; o < CO; o++) y[l * outStep + o] = 0;
      continue;
    }
    gridRow(src + (srcRow * p->SW + p->qx0) * CI, w + (intptr_t)b * p->wBatch, toff, woff, liveTaps, nLive, CI, CO, y, p->nx, outStep, srcStep);
  }
}

/** rowMask[r] = 1 where row r (rowLen floats at src + r * rowLen) holds a non-zero (or NaN) value, else 0. */
__attribute__((export_name("rowMask")))
void rowMask(const float *src, int32_t rows, int32_t rowLen, uint8_t *mask) {
  for (int32_t r = 0; r < rows; r++) {
    const float *s = src + (intptr_t)r * rowLen;
    v128_t any = wasm_i32x4_splat(0);
    int32_t i = 0;
    for (; i + 4 <= rowLen; i += 4) any = wasm_v128_or(any, wasm_f32x4_ne(wasm_v128_load(s + i), wasm_f32x4_splat(0)));
    int32_t live = wasm_v128_any_true(any);
    for (; i < rowLen; i++) live |= s[i] != 0 || s[i] != s[i];
    mask[r] = (uint8_t)live;
  }
}

/** Packs a channels-first source [B][C][D][H][W] into the padded channels-last one [B][SD][SH][SW][C] at voxel
 * offset (oz, oy, ox), clipped to it (the padding itself is zeroed by the caller); rows [row0, row1) of the
 * B x nz x ny destination rows it writes. p: src, B, C, D, H, W, dst, SD, SH, SW, oz, oy, ox. One destination
 * row (SW x C floats) at a time, so its cache lines stay put while the C source rows are read. */
__attribute__((export_name("packRows")))
void packRows(const int32_t *p, int32_t row0, int32_t row1) {
  const float *src = (const float *)(intptr_t)p[0];
  const int32_t C = p[2], D = p[3], H = p[4], W = p[5];
  float *dst = (float *)(intptr_t)p[6];
  const int32_t SD = p[7], SH = p[8], SW = p[9], oz = p[10], oy = p[11], ox = p[12];
  const int32_t nz = D < SD - oz ? D : SD - oz, ny = H < SH - oy ? H : SH - oy, nx = W < SW - ox ? W : SW - ox;
  const intptr_t plane = (intptr_t)D * H * W;
  for (int32_t r = row0; r < row1; r++) {
    const int32_t b = r / (nz * ny), z = (r / ny) % nz, y = r % ny;
    float *row = dst + ((((intptr_t)b * SD + z + oz) * SH + y + oy) * SW + ox) * C;
    const float *s = src + (intptr_t)b * C * plane + ((intptr_t)z * H + y) * W;
    for (int32_t c = 0; c < C; c++, s += plane)
      for (int32_t x = 0; x < nx; x++) row[(intptr_t)x * C + c] = s[x];
  }
}

/** dst[b][c][s] = src[b][s][c] + bias[c] (bias 0: none): channels-last output back to channels first; rows
 * [row0, row1) of B x ceil(S / 8) blocks of 8 voxels (all channels each). p: src, B, S, C, bias, dst. */
__attribute__((export_name("unpackRows")))
void unpackRows(const int32_t *p, int32_t row0, int32_t row1) {
  const float *src = (const float *)(intptr_t)p[0];
  const int32_t S = p[2], C = p[3];
  const float *bias = (const float *)(intptr_t)p[4];
  float *dst = (float *)(intptr_t)p[5];
  const int32_t blocks = (S + 7) / 8;
  for (int32_t r = row0; r < row1; r++) {
    const int32_t b = r / blocks, s0 = (r % blocks) * 8, s1 = s0 + 8 < S ? s0 + 8 : S;
    const float *sb = src + (intptr_t)b * S * C;
    float *db = dst + (intptr_t)b * S * C;
    for (int32_t c = 0; c < C; c++) {
      const float add = bias ? bias[c] : 0.0f;
      float *d = db + (intptr_t)c * S;
      for (int32_t s = s0; s < s1; s++) d[s] = sb[(intptr_t)s * C + c] + add;
    }
  }
}
