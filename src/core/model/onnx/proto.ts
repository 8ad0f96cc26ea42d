// Decoding .onnx bytes with the maintained protobuf schema (onnx-proto) into plain structures.
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { hostTensor, type HostTensor } from './hostTensor.ts';

const onnx = onnxProto.onnx;

export type AttributeValue = number | number[] | string | string[] | HostTensor;

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];   // '' marks an omitted optional input
  outputs: string[];
  attributes: Map<string, AttributeValue>;
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** A number for a fixed dimension, a string for a named (dynamic) one, null when unknown. */
  dims: (number | string | null)[] | null;
}

export interface OnnxGraph {
  opset: number;
  producer: string;
  nodes: OnnxNode[];
  initializers: Map<string, HostTensor>;
  inputs: OnnxValueInfo[];   // without initializers
  outputs: OnnxValueInfo[];
}

type LongLike = number | { toNumber(): number };
const num = (v: LongLike | null | undefined): number => (v == null ? 0 : typeof v === 'number' ? v : v.toNumber());

const DT = onnx.TensorProto.DataType;

function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

export function decodeFloat16(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 2);
  for (let i = 0; i < out.length; i++) out[i] = float16ToFloat32(view.getUint16(2 * i, true));
  return out;
}

export function tensorFromProto(t: OnnxTypes.ITensorProto): HostTensor {
  const shape = (t.dims ?? []).map((d) => num(d as LongLike));
  const raw = t.rawData && t.rawData.length ? t.rawData : null;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(n);
  const name = t.name ?? '(unnamed)';
  switch (t.dataType) {
    case DT.FLOAT:
      for (let i = 0; i < n; i++) values[i] = view ? view.getFloat32(4 * i, true) : t.floatData![i];
      return hostTensor('float32', shape, values);
    case DT.DOUBLE:
      for (let i = 0; i < n; i++) values[i] = view ? view.getFloat64(8 * i, true) : t.doubleData![i];
      return hostTensor('float32', shape, values);
    case DT.FLOAT16:
      if (raw) return hostTensor('float32', shape, decodeFloat16(raw));
      for (let i = 0; i < n; i++) values[i] = float16ToFloat32(t.int32Data![i]);
      return hostTensor('float32', shape, values);
    case DT.INT64:
      for (let i = 0; i < n; i++) values[i] = view ? Number(view.getBigInt64(8 * i, true)) : num(t.int64Data![i]);
      return hostTensor('int64', shape, values);
    case DT.INT32: case DT.INT16: case DT.INT8: case DT.UINT8: case DT.UINT16: case DT.BOOL: {
      const size = t.dataType === DT.INT32 ? 4 : t.dataType === DT.INT16 || t.dataType === DT.UINT16 ? 2 : 1;
      for (let i = 0; i < n; i++) {
        if (!view) values[i] = t.int32Data![i];
        else if (size === 4) values[i] = view.getInt32(4 * i, true);
        else if (size === 2) values[i] = t.dataType === DT.INT16 ? view.getInt16(2 * i, true) : view.getUint16(2 * i, true);
        else values[i] = t.dataType === DT.INT8 ? view.getInt8(i) : view.getUint8(i);
      }
      return hostTensor(t.dataType === DT.BOOL ? 'bool' : 'int64', shape, values);
    }
    default:
      throw new Error(`tensor '${name}': ONNX data type ${t.dataType} is not supported`);
  }
}

function attributeValue(a: OnnxTypes.IAttributeProto): AttributeValue {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.FLOAT: return a.f ?? 0;
    case T.INT: return num(a.i as LongLike);
    case T.STRING: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case T.TENSOR: return tensorFromProto(a.t!);
    case T.FLOATS: return [...(a.floats ?? [])];
    case T.INTS: return (a.ints ?? []).map((v) => num(v as LongLike));
    case T.STRINGS: return (a.strings ?? []).map((s: Uint8Array) => new TextDecoder().decode(s));
    default: return `<unsupported attribute type ${a.type}>`; // e.g. subgraphs of If/Loop: those ops are refused
  }
}

function valueInfo(v: OnnxTypes.IValueInfoProto): OnnxValueInfo {
  const tensorType = v.type?.tensorType;
  const dims = tensorType?.shape?.dim?.map((d: OnnxTypes.TensorShapeProto.IDimension) =>
    d.dimParam ? d.dimParam : d.dimValue != null ? num(d.dimValue as LongLike) : null) ?? null;
  return { name: v.name ?? '', elemType: tensorType?.elemType ?? 0, dims };
}

export function decodeOnnx(bytes: Uint8Array): OnnxGraph {
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`not a readable .onnx file: ${(e as Error).message}`);
  }
  const graph = model.graph;
  if (!graph) throw new Error('the .onnx file has no graph');
  const opset = Math.max(0, ...(model.opsetImport ?? [])
    .filter((o: OnnxTypes.IOperatorSetIdProto) => !o.domain || o.domain === 'ai.onnx').map((o: OnnxTypes.IOperatorSetIdProto) => num(o.version as LongLike)));
  const initializers = new Map<string, HostTensor>();
  for (const t of graph.initializer ?? []) initializers.set(t.name ?? '', tensorFromProto(t));
  const nodes = (graph.node ?? []).map((n: OnnxTypes.INodeProto, i: number): OnnxNode => ({
    name: n.name || `${n.opType}_${i}`,
    opType: n.opType ?? '',
    domain: n.domain ?? '',
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes: new Map((n.attribute ?? []).map((a: OnnxTypes.IAttributeProto) => [a.name ?? '', attributeValue(a)])),
  }));
  return {
    opset,
    producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(),
    nodes,
    initializers,
    inputs: (graph.input ?? []).filter((v: OnnxTypes.IValueInfoProto) => !initializers.has(v.name ?? '')).map(valueInfo),
    outputs: (graph.output ?? []).map(valueInfo),
  };
}
