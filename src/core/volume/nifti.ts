import * as nifti from 'nifti-reader-js';
import { Gunzip, gunzipSync, gzipSync } from 'fflate';
import { type Grid, type Volume, gridFromAffine } from './volume';
import { type Mat4, columnNorms } from './affine';
import { InputError } from './inputError';
import { niftiAffine, qformAffine, readGeometry } from './niftiAffine';

export interface NiftiRead {
  volume: Volume;
  version: 1 | 2;
  datatype: string;
  /** Things the user should know that did not stop the load (e.g. NaN voxels set to 0). */
  warnings: string[];
}

const DATATYPES: Record<number, { name: string; bytes: number }> = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  64: { name: 'float64', bytes: 8 },
  256: { name: 'int8', bytes: 1 },
  512: { name: 'uint16', bytes: 2 },
  768: { name: 'uint32', bytes: 4 },
};

const GZIP_MAGIC = [0x1f, 0x8b];
/** Deflate cannot expand data more than about 1032 times: a gzip size field beyond that is damaged. */
const MAX_DEFLATE_RATIO = 1032;
/** Header, extensions and padding allowed on top of the voxels when bounding a decompressed size. */
const HEADER_SLACK_BYTES = 1 << 20;

export interface ReadOptions {
  /** Largest image accepted, in voxels; checked from the header before the voxels are allocated. */
  maxVoxels?: number;
  /** The .img file of a NIfTI-1 .hdr/.img pair (the header is then `bytes`). */
  imageBytes?: ArrayBuffer | Uint8Array;
}

/** The default cap when no memory budget is given (Node scripts): 2^27 voxels, 512 MB as float32. */
export const DEFAULT_MAX_VOXELS = 2 ** 27;

function toArrayBuffer(bytes: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (bytes instanceof ArrayBuffer) return bytes;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function corruptGzip(fileName: string, why: string): InputError {
  return new InputError(`${fileName}: the gzip data is truncated or corrupt (${why}). Copy or export the file again and reopen it.`);
}

/**
 * Decompresses a .gz without trusting its size field: fflate allocates what the last 4 bytes claim, so
 * an impossible claim is refused, and a claim over the budget is checked against the header's dims first.
 */
function gunzip(raw: Uint8Array, fileName: string, maxVoxels: number): Uint8Array {
  const claimed = raw.length >= 18 ? new DataView(raw.buffer, raw.byteOffset + raw.length - 4, 4).getUint32(0, true) : 0;
  if (claimed > raw.length * MAX_DEFLATE_RATIO + 1024) {
    throw corruptGzip(fileName, `its end is missing or damaged: the size it records, ${claimed} bytes, cannot come from ${raw.length} compressed bytes`);
  }
  if (claimed > maxVoxels * 8 + HEADER_SLACK_BYTES) {
    // Too big to decompress here: read just the header, to say how big and why.
    const header = parseHeader(gunzipPrefix(raw, 552, fileName), fileName);
    checkSize(header.dims, fileName, maxVoxels);
    throw corruptGzip(fileName, `the size it records, ${claimed} bytes, is far more than the ${header.dims.slice(1, 4).join(' x ')} voxels of its header need`);
  }
  try {
    return gunzipSync(raw);
  } catch (e) {
    throw corruptGzip(fileName, (e as Error).message);
  }
}

/** The bytes themselves, or their decompression when they start with the gzip magic. */
function gunzipIfGzip(raw: Uint8Array, fileName: string, maxVoxels: number): Uint8Array {
  return raw.length >= 2 && raw[0] === GZIP_MAGIC[0] && raw[1] === GZIP_MAGIC[1] ? gunzip(raw, fileName, maxVoxels) : raw;
}

/** The first `count` bytes of a gzip stream, decompressing only as much as needed. */
function gunzipPrefix(raw: Uint8Array, count: number, fileName: string): Uint8Array {
  const out = new Uint8Array(count);
  let filled = 0;
  const stream = new Gunzip((chunk) => {
    const take = Math.min(chunk.length, count - filled);
    out.set(chunk.subarray(0, take), filled);
    filled += take;
  });
  try {
    for (let at = 0; at < raw.length && filled < count; at += 4096) stream.push(raw.subarray(at, at + 4096), at + 4096 >= raw.length);
  } catch (e) {
    throw corruptGzip(fileName, (e as Error).message);
  }
  return out.subarray(0, filled);
}

type Header = nifti.NIFTI1 | nifti.NIFTI2;

const swapBytes32 = (x: number) => new DataView(Uint32Array.of(x).buffer).getInt32(0, false);

function parseHeader(raw: Uint8Array, fileName: string): Header & { version: 1 | 2; pair: boolean } {
  const buf = toArrayBuffer(raw.subarray(0, 552));
  if (raw.length < 348 || !nifti.isNIFTI(buf, true)) {
    throw new InputError(
      `${fileName} is not a NIfTI image (no NIfTI-1 or NIfTI-2 header found). ` +
        'Open a .nii or .nii.gz file, or the files or folder of a DICOM study.',
    );
  }
  // This app does not use header extensions; clearing their flag keeps the parser from walking a
  // damaged extension chain (sizes read from the file could send it anywhere).
  const version: 1 | 2 = nifti.isNIFTI1(buf, true) ? 1 : 2;
  const headerSize = version === 1 ? 348 : 540;
  // a .hdr of a .hdr/.img pair (magic "ni1") is exactly the header, with no extension flag bytes
  const pair = version === 1 && !nifti.isNIFTI1(buf);
  if (raw.length < (pair ? headerSize : headerSize + 4)) {
    throw new InputError(`${fileName} is truncated: it ends at byte ${raw.length}, inside its ${headerSize + 4}-byte NIfTI-${version} header. Copy or export the file again.`);
  }
  if (buf.byteLength >= headerSize + 4) new Uint8Array(buf).fill(0, headerSize, headerSize + 4);
  const sizeField = new DataView(buf).getInt32(0, true);
  if (sizeField !== headerSize && sizeField !== swapBytes32(headerSize)) {
    throw new InputError(`${fileName}: the NIfTI header is damaged (its size field reads ${sizeField}, not ${headerSize}). Copy or export the file again.`);
  }
  try {
    return Object.assign(nifti.readHeader(buf, true), { version, pair });
  } catch (e) {
    throw new InputError(`${fileName}: the NIfTI header is damaged and cannot be read (${(e as Error).message}). Copy or export the file again.`);
  }
}

/** Refuses an image over the memory budget, from its header alone (nothing allocated yet). */
function checkSize(dimsIn: number[], fileName: string, maxVoxels: number): void {
  const dims = checkDims(dimsIn, fileName);
  const n = dims[0] * dims[1] * dims[2];
  if (n > maxVoxels) {
    const millions = (x: number) => (x / 1e6).toFixed(1);
    throw new InputError(
      `${fileName} is too large: ${dims.join(' x ')} voxels (${millions(n)} million), and this computer's limit is ` +
        `${millions(maxVoxels)} million voxels per scan (set from its memory). Resample it to coarser voxels ` +
        '(e.g. 1 mm) or crop it to the head first.',
    );
  }
}

/** The most bytes a file within the budget can hold: float64 voxels plus header and extensions. */
export function maxFileBytes(maxVoxels: number): number {
  return maxVoxels * 8 + HEADER_SLACK_BYTES;
}

/**
 * For a file over maxFileBytes, which is not read whole (it could exhaust the tab's memory): reads the
 * header from the file's first bytes (`head`, 64 kB is plenty) and throws the too-large InputError with its
 * dimensions, or a damaged-file one when the header describes a small image.
 */
export function refuseOversizedFile(head: Uint8Array, fileBytes: number, fileName: string, maxVoxels: number): never {
  const gzipped = head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  const header = parseHeader(gzipped ? gunzipPrefix(head, 552, fileName) : head, fileName);
  checkSize(header.dims, fileName, maxVoxels);
  throw new InputError(
    `${fileName} is ${(fileBytes / 2 ** 20).toFixed(0)} MB, far more than the ${header.dims.slice(1, 4).join(' x ')} voxels ` +
      'of its header need: the file is damaged or not one scan.',
  );
}

/** Reads a NIfTI-1 or NIfTI-2 file (.nii or .nii.gz) into a float32 Volume, or throws an InputError. */
export function readNifti(bytes: ArrayBuffer | Uint8Array, fileName = 'file', options: ReadOptions = {}): NiftiRead {
  const maxVoxels = options.maxVoxels ?? DEFAULT_MAX_VOXELS;
  let raw: Uint8Array = new Uint8Array(toArrayBuffer(bytes));
  raw = gunzipIfGzip(raw, fileName, maxVoxels);
  const header = parseHeader(raw, fileName);
  const version = header.version;
  const headerRaw = raw;
  if (header.pair) {
    if (!options.imageBytes) {
      throw new InputError(
        `${fileName} is the header of a NIfTI-1 pair (.hdr/.img): its voxels are in the .img file of the same name. Open both files together.`,
      );
    }
    raw = gunzipIfGzip(new Uint8Array(toArrayBuffer(options.imageBytes)), fileName, maxVoxels);
  }
  checkSize(header.dims, fileName, maxVoxels);
  const dims = checkDims(header.dims, fileName);
  const type = DATATYPES[header.datatypeCode];
  if (!type) {
    throw new InputError(
      `${fileName} stores voxels as NIfTI datatype ${header.datatypeCode}, which is not a scalar type this app reads ` +
        '(uint8, int8, int16, uint16, int32, uint32, float32, float64). Convert it to float32.',
    );
  }
  const n = dims[0] * dims[1] * dims[2];
  // vox_offset below the header size (or not a number) is a writer's mistake: the voxels follow the header
  const headerBytes = header.pair ? 0 : version === 1 ? 352 : 544;
  const voxOffset = Number(header.vox_offset);
  const offset = Number.isFinite(voxOffset) && (header.pair ? voxOffset >= 0 : voxOffset > headerBytes) ? Math.floor(voxOffset) : headerBytes;
  const needed = offset + n * type.bytes;
  if (raw.length < needed) {
    throw new InputError(
      `${fileName} is truncated: the header promises ${needed} bytes of image but the file has ${raw.length}. ` +
        'Copy or export the file again.',
    );
  }
  const data = decodeVoxels(raw, offset, n, header.datatypeCode, header.littleEndian);
  const warnings: string[] = [];
  applyScaling(data, header.scl_slope, header.scl_inter);
  const nonFinite = zeroNonFinite(data);
  if (nonFinite > 0) warnings.push(`${fileName}: ${nonFinite} voxels were NaN or infinite; they are treated as 0.`);
  const geometry = niftiAffine(readGeometry(headerRaw, version, header.littleEndian), fileName);
  warnings.push(...geometry.warnings);
  const voxToMm = checkAffine(geometry.voxToMm, fileName);
  return {
    volume: { ...gridFromAffine(dims, voxToMm), data },
    version,
    datatype: type.name,
    warnings,
  };
}

function checkDims(dimsIn: number[], fileName: string): [number, number, number] {
  const ndim = dimsIn[0];
  const d = dimsIn.slice(1, 8).map((v, i) => (i < ndim ? v : 1));
  if (!(ndim >= 1 && ndim <= 7) || d.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new InputError(`${fileName} has impossible dimensions in its header (${dimsIn.join(', ')}). The file is damaged.`);
  }
  const extra = d.slice(3).reduce((a, b) => a * b, 1);
  if (extra > 1) {
    throw new InputError(
      `${fileName} is a ${ndim}D series (${d.slice(0, ndim).join(' x ')}), not one 3D volume. ` +
        'Extract the single volume you want (e.g. with fslroi) and open that.',
    );
  }
  const spatial = d.slice(0, 3).filter((v) => v > 1).length;
  if (spatial < 3) {
    throw new InputError(
      `${fileName} is a ${spatial}D image (${d.slice(0, 3).join(' x ')} voxels); a 3D volume is needed. ` +
        'Open the whole 3D scan, not a single slice.',
    );
  }
  return [d[0], d[1], d[2]];
}

function decodeVoxels(raw: Uint8Array, offset: number, n: number, code: number, little: boolean): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset + offset, raw.length - offset);
  const out = new Float32Array(n);
  const read: Record<number, (i: number) => number> = {
    2: (i) => view.getUint8(i),
    256: (i) => view.getInt8(i),
    4: (i) => view.getInt16(2 * i, little),
    512: (i) => view.getUint16(2 * i, little),
    8: (i) => view.getInt32(4 * i, little),
    768: (i) => view.getUint32(4 * i, little),
    16: (i) => view.getFloat32(4 * i, little),
    64: (i) => view.getFloat64(8 * i, little),
  };
  const get = read[code];
  for (let i = 0; i < n; i++) out[i] = get(i);
  return out;
}

function applyScaling(data: Float32Array, slope: number, inter: number): void {
  // NIfTI: slope 0 (or not finite) means "no scaling".
  if (!Number.isFinite(slope) || slope === 0) return;
  const b = Number.isFinite(inter) ? inter : 0;
  if (slope === 1 && b === 0) return;
  for (let i = 0; i < data.length; i++) data[i] = data[i] * slope + b;
}

function zeroNonFinite(data: Float32Array): number {
  let count = 0;
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i])) {
      data[i] = 0;
      count++;
    }
  return count;
}

/** Refuses an affine no scanner could have written (non-finite, degenerate or absurd voxel sizes). */
function checkAffine(m: number[], fileName: string): number[] {
  const norms = columnNorms(m);
  // the three voxel axes must span 3D: |det| of the unit columns near 0 means two axes (nearly) coincide
  const u = [0, 1, 2].map((c) => [0, 1, 2].map((r) => m[4 * r + c] / norms[c]));
  const det =
    u[0][0] * (u[1][1] * u[2][2] - u[1][2] * u[2][1]) -
    u[1][0] * (u[0][1] * u[2][2] - u[0][2] * u[2][1]) +
    u[2][0] * (u[0][1] * u[1][2] - u[0][2] * u[1][1]);
  const bottomRow = m[12] === 0 && m[13] === 0 && m[14] === 0 && m[15] === 1;
  if (m.some((v) => !Number.isFinite(v)) || norms.some((s) => !(s > 1e-6) || s > 1e4) || !(Math.abs(det) > 1e-3) || !bottomRow) {
    throw new InputError(
      `${fileName} has an impossible voxel-to-world transform (voxel sizes ${norms.map((s) => s.toPrecision(3)).join(', ')} mm` +
        `${Math.abs(det) > 1e-3 || !norms.every((s) => s > 1e-6) ? '' : ', voxel axes that do not span 3D'}). ` +
        'Check the pixdim, qform and sform fields of the file.',
    );
  }
  return m;
}

// ---------------------------------------------------------------- writing

export type WriteDatatype = 'uint8' | 'int16' | 'uint16' | 'int32' | 'float32';
const WRITE_CODES: Record<WriteDatatype, { code: number; bytes: number }> = {
  uint8: { code: 2, bytes: 1 },
  int16: { code: 4, bytes: 2 },
  uint16: { code: 512, bytes: 2 },
  int32: { code: 8, bytes: 4 },
  float32: { code: 16, bytes: 4 },
};

export interface WriteOptions {
  datatype?: WriteDatatype;
  version?: 1 | 2;
  gzip?: boolean;
  description?: string;
}

/**
 * Writes a Volume as NIfTI, little-endian: sform code 2 "aligned"; qform code 2 too, unless the affine
 * has a shear a quaternion cannot hold (then qform code 0, so no reader takes a qform that is mm off).
 */
export function writeNifti(vol: Volume, opts: WriteOptions = {}): Uint8Array {
  const { datatype = 'float32' } = opts;
  const { code, bytes } = WRITE_CODES[datatype];
  const { out, view, headerBytes } = writeHeader(vol, code, bytes, opts);
  writeVoxels(view, headerBytes, vol.data, datatype);
  return maybeGzip(out, opts);
}

/** Colours, 4 bytes per voxel (red, green, blue, alpha; x fastest), as NIfTI datatype 2304 (RGBA32). */
export function writeNiftiRgba(grid: Grid, rgba: Uint8Array, opts: Omit<WriteOptions, 'datatype'> = {}): Uint8Array {
  if (rgba.length !== 4 * grid.dims[0] * grid.dims[1] * grid.dims[2]) throw new Error(`${rgba.length} colour bytes for a ${grid.dims.join(' x ')} grid`);
  const { out, headerBytes } = writeHeader(grid, 2304, 4, opts);
  out.set(rgba, headerBytes);
  return maybeGzip(out, opts);
}

// mtime 0: no timestamp in the gzip header, so the same image always gives the same bytes.
function maybeGzip(out: Uint8Array, opts: Pick<WriteOptions, 'gzip'>): Uint8Array {
  return opts.gzip ?? true ? gzipSync(out, { mtime: 0 }) : out;
}

function writeHeader(grid: Grid, code: number, bytes: number, opts: Omit<WriteOptions, 'datatype'>) {
  const { version = 1, description = 'LesionLens' } = opts;
  const headerBytes = version === 1 ? 352 : 544;
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const out = new Uint8Array(headerBytes + n * bytes);
  const view = new DataView(out.buffer);
  const q = quaternionOf(grid.voxToMm);
  const pixdim = [q.qfac, ...columnNorms(grid.voxToMm), 0, 0, 0, 0];
  const dim = [3, ...grid.dims, 1, 1, 1, 1];
  const qm = qformAffine({ quatern: [q.b, q.c, q.d], qoffset: [grid.voxToMm[3], grid.voxToMm[7], grid.voxToMm[11]], pixdim });
  // the qform's and the sform's world positions of the far corner of the image, mm apart?
  const corner = [0, 1, 2].map((r) => [0, 1, 2].reduce((acc, c) => acc + (qm[4 * r + c] - grid.voxToMm[4 * r + c]) * grid.dims[c], 0));
  const qformCode = Math.hypot(...corner) <= 1e-3 ? 2 : 0;
  const h = { code, bitpix: 8 * bytes, dim, pixdim, voxOffset: headerBytes, q, qformCode, m: grid.voxToMm, description };
  if (version === 1) writeHeader1(view, out, h);
  else writeHeader2(view, out, h);
  return { out, view, headerBytes };
}

interface HeaderFields {
  code: number;
  bitpix: number;
  dim: number[];
  pixdim: number[];
  voxOffset: number;
  q: Quaternion;
  qformCode: number;
  m: Mat4;
  description: string;
}

function writeAscii(out: Uint8Array, at: number, text: string, max: number): void {
  for (let i = 0; i < Math.min(text.length, max - 1); i++) out[at + i] = text.charCodeAt(i) & 0x7f;
}

function writeHeader1(v: DataView, out: Uint8Array, h: HeaderFields): void {
  v.setInt32(0, 348, true);
  out[38] = 'r'.charCodeAt(0);
  h.dim.forEach((d, i) => v.setInt16(40 + 2 * i, d, true));
  v.setInt16(70, h.code, true);
  v.setInt16(72, h.bitpix, true);
  h.pixdim.forEach((p, i) => v.setFloat32(76 + 4 * i, p, true));
  v.setFloat32(108, h.voxOffset, true);
  v.setFloat32(112, 1, true); // scl_slope
  out[123] = 2 + 8; // xyzt_units: mm, s
  writeAscii(out, 148, h.description, 80);
  v.setInt16(252, h.qformCode, true); // qform_code: aligned, or 0 for a sheared affine
  v.setInt16(254, 2, true); // sform_code: aligned
  [h.q.b, h.q.c, h.q.d, h.m[3], h.m[7], h.m[11]].forEach((x, i) => v.setFloat32(256 + 4 * i, x, true));
  for (let i = 0; i < 12; i++) v.setFloat32(280 + 4 * i, h.m[i], true);
  writeAscii(out, 344, 'n+1', 4);
}

function writeHeader2(v: DataView, out: Uint8Array, h: HeaderFields): void {
  v.setInt32(0, 540, true);
  [0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a].forEach((b, i) => (out[4 + i] = b));
  v.setInt16(12, h.code, true);
  v.setInt16(14, h.bitpix, true);
  h.dim.forEach((d, i) => v.setBigInt64(16 + 8 * i, BigInt(d), true));
  h.pixdim.forEach((p, i) => v.setFloat64(104 + 8 * i, p, true));
  v.setBigInt64(168, BigInt(h.voxOffset), true);
  v.setFloat64(176, 1, true); // scl_slope
  writeAscii(out, 240, h.description, 80);
  v.setInt32(344, h.qformCode, true);
  v.setInt32(348, 2, true);
  [h.q.b, h.q.c, h.q.d, h.m[3], h.m[7], h.m[11]].forEach((x, i) => v.setFloat64(352 + 8 * i, x, true));
  for (let i = 0; i < 12; i++) v.setFloat64(400 + 8 * i, h.m[i], true);
  v.setInt32(500, 2 + 8, true);
}

function writeVoxels(v: DataView, at: number, data: Float32Array, type: WriteDatatype): void {
  const clampRound = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(x)));
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (type === 'float32') v.setFloat32(at + 4 * i, x, true);
    else if (type === 'uint8') v.setUint8(at + i, clampRound(x, 0, 255));
    else if (type === 'int16') v.setInt16(at + 2 * i, clampRound(x, -32768, 32767), true);
    else if (type === 'int32') v.setInt32(at + 4 * i, clampRound(x, -(2 ** 31), 2 ** 31 - 1), true);
    else v.setUint16(at + 2 * i, clampRound(x, 0, 65535), true);
  }
}

interface Quaternion {
  b: number;
  c: number;
  d: number;
  qfac: 1 | -1;
}

/** The qform quaternion of an affine's rotation (NIfTI-1 convention: qfac flips the third axis). */
function quaternionOf(m: Mat4): Quaternion {
  const s = columnNorms(m);
  const r = [0, 1, 2].map((row) => [0, 1, 2].map((col) => m[4 * row + col] / s[col]));
  const det =
    r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
    r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
    r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
  const qfac: 1 | -1 = det < 0 ? -1 : 1;
  if (qfac < 0) for (let row = 0; row < 3; row++) r[row][2] = -r[row][2];
  const trace = r[0][0] + r[1][1] + r[2][2];
  let a: number, b: number, c: number, d: number;
  if (trace > -0.5) {
    a = 0.5 * Math.sqrt(1 + trace);
    b = (r[2][1] - r[1][2]) / (4 * a);
    c = (r[0][2] - r[2][0]) / (4 * a);
    d = (r[1][0] - r[0][1]) / (4 * a);
  } else if (r[0][0] >= r[1][1] && r[0][0] >= r[2][2]) {
    b = 0.5 * Math.sqrt(1 + r[0][0] - r[1][1] - r[2][2]);
    a = (r[2][1] - r[1][2]) / (4 * b);
    c = (r[0][1] + r[1][0]) / (4 * b);
    d = (r[0][2] + r[2][0]) / (4 * b);
  } else if (r[1][1] >= r[2][2]) {
    c = 0.5 * Math.sqrt(1 + r[1][1] - r[0][0] - r[2][2]);
    a = (r[0][2] - r[2][0]) / (4 * c);
    b = (r[0][1] + r[1][0]) / (4 * c);
    d = (r[1][2] + r[2][1]) / (4 * c);
  } else {
    d = 0.5 * Math.sqrt(1 + r[2][2] - r[0][0] - r[1][1]);
    a = (r[1][0] - r[0][1]) / (4 * d);
    b = (r[0][2] + r[2][0]) / (4 * d);
    c = (r[1][2] + r[2][1]) / (4 * d);
  }
  // NIfTI stores only b, c, d and takes a >= 0.
  if (a < 0) [b, c, d] = [-b, -c, -d];
  return { b, c, d, qfac };
}
