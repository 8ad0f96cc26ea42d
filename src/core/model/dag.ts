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
