import { describe, expect, it } from 'vitest';
import { CONV3D_WASM_SHARED } from './wasm/kernels.generated.ts';
import { CONTROL_BYTES, startPool } from './wasmThreads.ts';

// The pool's barrier when a thread fails: the caller must get an error, never wait forever, and the pool must
// stay usable. A parameter block of zeros makes the worker's convRows divide by zero (a wasm trap).
describe('kernel thread pool', () => {
  it('a failing worker or caller makes run throw, and the next run still works', async () => {
    const bytes = Uint8Array.from(atob(CONV3D_WASM_SHARED), (c) => c.charCodeAt(0));
    const module = await WebAssembly.compile(bytes);
    const memory = new WebAssembly.Memory({ initial: 8, maximum: 64, shared: true } as WebAssembly.MemoryDescriptor);
    const control = 4 * 65536, zeros = 6 * 65536;
    const pool = await startPool(module, memory, 1, control, () => 5 * 65536);
    expect(CONTROL_BYTES).toBeLessThan(65536);
    try {
      const slow = () => { const t = performance.now() + 2; while (performance.now() < t); }; // leaves chunks to the worker
      expect(() => pool.run([{ kind: 'conv', params: zeros, rows: 64 }], slow)).toThrow(/kernel thread failed/);
      expect(() => pool.run([{ kind: 'conv', params: zeros, rows: 64 }], () => { throw new Error('caller failed'); })).toThrow(/caller failed/);
      let rows = 0;
      pool.run([{ kind: 'pack', params: zeros, rows: 0 }], () => { rows++; });
      expect(rows).toBe(0);
    } finally {
      pool.stop();
    }
  });
});
