// Execution of a directed acyclic graph of named values, shared by the ONNX runtime and the tfjs
// LayersModel adapter. It runs only the nodes a request needs, lets any named value be fed from
// outside (that is how a gradient is taken with respect to an intermediate tensor), and disposes
// every intermediate tensor as soon as its last consumer has run.
import * as tf from '@tensorflow/tfjs';
import { isHost, type HostTensor } from './onnx/hostTensor.ts';

export type DagValue = tf.Tensor | HostTensor;

export interface DagNode {
  name: string;
  opType: string;
  inputs: string[];   // '' = omitted optional input
  outputs: string[];
  run(inputs: (DagValue | undefined)[]): DagValue[];
  /** For a node linear in its inputs that depend on wrt (a convolution with constant weights, a concat): their
   * cotangents from the output's without the input values (only the shapes of all inputs, with the backward
   * pass's batch), so a backward pass keeps and recomputes nothing. Absent: Dag.linearize's other ways. */
  linearVjp?(dys: (tf.Tensor | undefined)[], inputShapes: (number[] | undefined)[]): (tf.Tensor | undefined)[];
  /** Treats every batch item apart (axis 0 is the batch, for any attributes of this node): a forward pass at
   * batch 1 then serves a backward pass of a whole batch of cotangents (Dag.linearize). */
  perSample?: boolean;
  /** Each output element depends only on the same element of each input (activations, inference batch norm,
   * sums and products): the derivative is one value per element (Dag.linearize). */
  elementwise?: boolean;
}

/** One forward pass at batch 1 kept for many backward passes (vector-Jacobian products) of one output. */
export interface Linearized {
  /** the output value of the forward pass (batch 1); owned by this object */
  output: tf.Tensor;
  /** per batch row b of dy (the output's shape but for batch B): d(sum(output * dy[b])) / d(wrt), batch B;
   * a new tensor, the caller's to dispose */
  backward(dy: tf.Tensor): tf.Tensor;
  dispose(): void;
}

/** A node's input cotangents by tfjs's own gradients of its `run` (its forward runs again, once). */
function vjpByGrads(n: DagNode, inputs: (DagValue | undefined)[], dys: (tf.Tensor | undefined)[], wanted: boolean[]): (tf.Tensor | undefined)[] {
  const idx = wanted.flatMap((w, j) => (w ? [j] : []));
  const f = (...xs: tf.Tensor[]) => {
    const ins = inputs.slice();
    xs.forEach((x, k) => (ins[idx[k]] = x));
    const outs = n.run(ins);
    let s: tf.Tensor = tf.scalar(0);
    outs.forEach((o, j) => { const d = dys[j]; if (d && !isHost(o)) s = tf.add(s, tf.sum(tf.mul(o, d))); });
    return s;
  };
  const gs = tf.grads(f)(idx.map((j) => inputs[j] as tf.Tensor));
  const out: (tf.Tensor | undefined)[] = inputs.map(() => undefined);
  idx.forEach((j, k) => (out[j] = gs[k]));
  return out;
}

export class Dag {
  private readonly producer = new Map<string, number>();

  /** nodes in topological order; constants are never disposed by a run. */
  constructor(readonly nodes: DagNode[], readonly constants: Map<string, DagValue>) {
    nodes.forEach((n, i) => n.outputs.forEach((o) => this.producer.set(o, i)));
  }

  producerOf(value: string): DagNode | undefined {
    const i = this.producer.get(value);
    return i === undefined ? undefined : this.nodes[i];
  }

  /** Indices of the nodes needed to compute `wanted` from `fed` values. */
  private needed(fed: Set<string>, wanted: string[]): number[] {
    const need = new Set<number>();
    const stack = [...wanted];
    while (stack.length) {
      const v = stack.pop()!;
      if (fed.has(v) || this.constants.has(v) || v === '') continue;
      const i = this.producer.get(v);
      if (i === undefined) throw new Error(`value '${v}' is neither fed nor produced by the graph`);
      if (need.has(i)) continue;
      need.add(i);
      stack.push(...this.nodes[i].inputs);
    }
    return [...need].sort((a, b) => a - b);
  }

  /** Nodes downstream of a value (inclusive of its consumers, transitively). */
  descendants(value: string): Set<number> {
    const reached = new Set<string>([value]);
    const nodes = new Set<number>();
    this.nodes.forEach((n, i) => {
      if (n.inputs.some((v) => reached.has(v))) {
        nodes.add(i);
        n.outputs.forEach((o) => reached.add(o));
      }
    });
    return nodes;
  }

  /** Values that nodes in `region` read but that are produced outside it (and are not constants). */
  frontier(region: Set<number>, exclude: string): string[] {
    const inside = new Set<string>();
    region.forEach((i) => this.nodes[i].outputs.forEach((o) => inside.add(o)));
    const out = new Set<string>();
    region.forEach((i) => this.nodes[i].inputs.forEach((v) => {
      if (v && v !== exclude && !inside.has(v) && !this.constants.has(v)) out.add(v);
    }));
    return [...out];
  }

  /**
   * Forward once from `feeds` (batch 1) to `output`, keeping what a backward pass needs; then `backward(dy)` as
   * often as wanted, for a batch of cotangents at once, each with respect to the fed value `wrt`. tf.grad would
   * re-run the forward pass for every batch. Per node between wrt and output:
   * - `linearVjp` (convolutions, concat): the cotangent from the output's alone, nothing kept;
   * - `elementwise` (activations, norms with fixed statistics, sums): the derivative at the kept point, one value
   *   per element, made once here; a backward pass multiplies by it (broadcast over the batch);
   * - anything else: tf.grads of the node on its kept inputs repeated to the batch.
   * Null where such a node is not `perSample` (e.g. a reshape that folds the batch into another axis).
   */
  linearize(feeds: Map<string, DagValue>, output: string, wrt: string): Linearized | null {
    const order = this.needed(new Set(feeds.keys()), [output]);
    const reached = new Set<string>([wrt]); // tensor values that depend on wrt
    const active: number[] = [];
    const keep = new Set<string>([output]);
    const shapes = new Map<string, number[]>();
    for (const i of order) {
      const n = this.nodes[i];
      if (!n.inputs.some((v) => reached.has(v))) continue;
      if (!n.perSample) return null;
      active.push(i);
      n.outputs.forEach((o) => o && reached.add(o));
      if (!n.linearVjp) n.inputs.forEach((v) => v && keep.add(v));
    }
    const values = this.run(feeds, [...keep].filter((v) => !feeds.has(v) && !this.constants.has(v)), (name, value) => {
      shapes.set(name, [...value.shape]);
      if (!reached.has(name)) return;
      // a shape computed on the host, a mask or an index carries no cotangent
      if (isHost(value) || value.dtype !== 'float32') reached.delete(name);
    });
    const valueOf = (v: string) => (v === '' ? undefined : values.get(v) ?? feeds.get(v) ?? this.constants.get(v));
    shapes.set(wrt, [...feeds.get(wrt)!.shape]);
    const same = (a?: number[], b?: number[]) => !!a && !!b && tf.util.arraysEqual(a, b);
    // elementwise nodes: d output / d input per element (no input broadcast against the output), then their
    // inputs are dropped unless a generic node needs them
    const diagonal = new Map<number, (tf.Tensor | undefined)[]>();
    for (const i of active) {
      const n = this.nodes[i];
      const wanted = n.inputs.map((v) => reached.has(v));
      if (n.linearVjp || !n.elementwise || n.outputs.length !== 1 || !reached.has(n.outputs[0])) continue;
      if (!n.inputs.every((v, j) => !wanted[j] || same(shapes.get(v), shapes.get(n.outputs[0])))) continue;
      const ones = tf.ones(shapes.get(n.outputs[0])!);
      diagonal.set(i, vjpByGrads(n, n.inputs.map(valueOf), [ones], wanted).map((g) => g && tf.keep(g)));
      ones.dispose();
    }
    const stillNeeded = new Set<string>([output]);
    active.forEach((i) => !this.nodes[i].linearVjp && !diagonal.has(i) && this.nodes[i].inputs.forEach((v) => stillNeeded.add(v)));
    for (const [name, v] of values) if (!stillNeeded.has(name) && !isHost(v)) { v.dispose(); values.delete(name); }
    const out = valueOf(output);
    if (!out || isHost(out)) throw new Error(`value '${output}' is not a tensor`);
    return {
      output: out,
      backward: (dy) => tf.tidy(() => {
        const batch = dy.shape[0];
        // shapes in the backward pass: the batch for values that depend on wrt, as kept for the others
        const batchShape = (v: string) => {
          const sh = shapes.get(v) ?? this.constants.get(v)?.shape;
          return sh && (reached.has(v) ? [batch, ...sh.slice(1)] : [...sh]);
        };
        // batch copies of a kept batch-1 input (tf.concat: tfjs-cpu's tile is an index computation per element)
        const repeated = (v: DagValue | undefined, reachedValue: boolean) =>
          (reachedValue && batch > 1 ? tf.concat(new Array(batch).fill(v as tf.Tensor), 0) : v);
        const cot = new Map<string, tf.Tensor>([[output, dy]]);
        for (let k = active.length - 1; k >= 0; k--) {
          const i = active[k];
          const n = this.nodes[i];
          const dys = n.outputs.map((o) => (o ? cot.get(o) : undefined));
          if (dys.every((d) => d === undefined)) continue;
          const wanted = n.inputs.map((v) => reached.has(v));
          const diag = diagonal.get(i);
          const grads = !wanted.some(Boolean) ? []
            : n.linearVjp ? n.linearVjp(dys, n.inputs.map((v) => (v ? batchShape(v) : undefined)))
              : diag ? diag.map((d) => d && tf.mul(dys[0]!, d))
                : vjpByGrads(n, n.inputs.map((v, j) => repeated(valueOf(v), wanted[j])), dys, wanted);
          n.outputs.forEach((o) => {
            const d = cot.get(o);
            if (o && d && d !== dy) d.dispose();
            cot.delete(o);
          });
          n.inputs.forEach((v, j) => {
            const g = grads[j];
            if (!g || !reached.has(v)) return;
            const prev = cot.get(v);
            cot.set(v, prev ? tf.add(prev, g) : g);
            if (prev) { prev.dispose(); g.dispose(); }
          });
        }
        return cot.get(wrt) ?? tf.zeros(batchShape(wrt)!);
      }),
      dispose: () => {
        values.forEach((v, name) => !isHost(v) && !feeds.has(name) && v.dispose());
        diagonal.forEach((ds) => ds.forEach((d) => d?.dispose()));
      },
    };
  }

  /** Compute `wanted` values. Fed tensors and returned tensors are the caller's to dispose. */
  run(feeds: Map<string, DagValue>, wanted: string[],
    observe?: (name: string, value: DagValue) => void): Map<string, DagValue> {
    const order = this.needed(new Set(feeds.keys()), wanted);
    const uses = new Map<string, number>();
    for (const i of order) for (const v of this.nodes[i].inputs) uses.set(v, (uses.get(v) ?? 0) + 1);
    const keep = new Set<string>([...wanted, ...feeds.keys(), ...this.constants.keys()]);
    const values = new Map<string, DagValue>(feeds);
    const release = (name: string) => {
      const v = values.get(name);
      if (keep.has(name) || !v || isHost(v)) return;
      values.delete(name);
      v.dispose();
    };
    try {
      for (const i of order) {
        const node = this.nodes[i];
        const inputs = node.inputs.map((v) => (v === '' ? undefined : values.get(v) ?? this.constants.get(v)));
        let outputs: DagValue[] = [];
        try {
          // tidy frees each op's temporaries; host values pass around it.
          let hostOut: DagValue[] = [];
          const tensors = tf.tidy(() => {
            hostOut = node.run(inputs);
            return hostOut.filter((t): t is tf.Tensor => !isHost(t));
          });
          let k = 0;
          outputs = hostOut.map((t) => (isHost(t) ? t : tensors[k++]));
        } catch (e) {
          throw new Error(`${node.opType} node '${node.name}': ${(e as Error).message}`);
        }
        node.outputs.forEach((o, j) => {
          if (!o || outputs[j] === undefined) return;
          values.set(o, outputs[j]);
          observe?.(o, outputs[j]);
          if (!uses.has(o)) release(o);
        });
        for (const v of node.inputs) {
          const left = (uses.get(v) ?? 1) - 1;
          uses.set(v, left);
          if (left === 0) release(v);
        }
      }
    } catch (e) {
      for (const [name] of values) release(name);
      throw e;
    }
    const result = new Map<string, DagValue>();
    for (const w of wanted) {
      const v = values.get(w) ?? this.constants.get(w);
      if (v === undefined) throw new Error(`value '${w}' was not computed`);
      result.set(w, v);
    }
    return result;
  }
}
