// The supported ONNX operators (default domain). Anything else is refused at load time.
import * as activation from './activation.ts';
import * as conv from './conv.ts';
import * as elementwise from './elementwise.ts';
import * as norm from './norm.ts';
import * as pool from './pool.ts';
import * as reduce from './reduce.ts';
import * as resize from './resize.ts';
import * as shape from './shape.ts';
import type { OpDef } from './types.ts';

export const OPS: Record<string, OpDef> = {
  ...activation, ...conv, ...elementwise, ...norm, ...pool, ...reduce, ...resize, ...shape,
} as unknown as Record<string, OpDef>;
delete (OPS as Record<string, unknown>).matMul;
delete (OPS as Record<string, unknown>).transposeAnyRank;

export type { OpDef, OpContext, Value } from './types.ts';
export { Attrs } from './types.ts';
