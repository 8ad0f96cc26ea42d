import { describe, expect, it } from 'vitest';
import { classifyFault, fallbacksAfter, MAX_TRIES, nextStep, type Attempt } from './recovery';

const windows: Attempt = { backend: 'webgpu', size: 96, minSize: 32, sizeMultiple: 8, initialSize: 96, tries: 1 };

describe('classifyFault', () => {
  it('recognises the browsers\' device-lost and out-of-memory messages', () => {
    expect(classifyFault(new Error('Device is lost'))).toBe('device-lost');
    expect(classifyFault(new Error('[Device "tfjs"] was destroyed'))).toBe('device-lost');
    expect(classifyFault(new Error('WebGL context lost.'))).toBe('device-lost');
    expect(classifyFault(new Error('Out of memory: failed to create buffer'))).toBe('out-of-memory');
    expect(classifyFault(new RangeError('Array buffer allocation failed'))).toBe('out-of-memory');
    expect(classifyFault(new Error('Requested texture size [8192x8192] greater than WebGL maximum on this browser / GPU [4096x4096].'))).toBe('out-of-memory');
    expect(classifyFault(new Error("Cannot read properties of undefined (reading 'shape')"))).toBe('other');
  });

  it('trusts the backend\'s own lost signal over the message', () => {
    expect(classifyFault(new Error('Buffer used in submit while destroyed'), true)).toBe('device-lost');
  });
});

describe('nextStep', () => {
  it('halves the window on out of memory, rounded down to the model stride', () => {
    expect(nextStep('out-of-memory', windows)).toMatchObject({ kind: 'retry', backend: 'webgpu', size: 48 });
    expect(nextStep('out-of-memory', { ...windows, size: 72 })).toMatchObject({ kind: 'retry', size: 32 });
  });

  it('moves to the next backend at the smallest size, starting again from the full size', () => {
    expect(nextStep('out-of-memory', { ...windows, size: 40 })).toMatchObject({ kind: 'retry', backend: 'webgl', size: 96 });
  });

  it('stops on out of memory at the smallest size on the CPU', () => {
    expect(nextStep('out-of-memory', { ...windows, backend: 'cpu', size: 32 })).toMatchObject({ kind: 'stop' });
  });

  it('falls back on a lost device: WebGPU to WebGL to CPU, skipping unusable backends', () => {
    expect(nextStep('device-lost', windows)).toMatchObject({ kind: 'retry', backend: 'webgl', size: 96 });
    expect(nextStep('device-lost', { ...windows, size: 48 })).toMatchObject({ backend: 'webgl', size: 96 });
    expect(nextStep('device-lost', windows, ['webgl'])).toMatchObject({ kind: 'retry', backend: 'cpu' });
    expect(nextStep('device-lost', { ...windows, backend: 'cpu' })).toMatchObject({ kind: 'stop' });
  });

  it('never retries other errors, and gives up after MAX_TRIES', () => {
    expect(nextStep('other', windows).kind).toBe('stop');
    expect(nextStep('out-of-memory', { ...windows, tries: MAX_TRIES }).kind).toBe('stop');
  });

  it('batch sizes halve to one row', () => {
    const batch: Attempt = { backend: 'cpu', size: 2, minSize: 1, sizeMultiple: 1, initialSize: 4, tries: 2 };
    expect(nextStep('out-of-memory', batch)).toMatchObject({ kind: 'retry', backend: 'cpu', size: 1 });
  });

  it('lists the slower backends', () => {
    expect(fallbacksAfter('webgpu')).toEqual(['webgl', 'cpu']);
    expect(fallbacksAfter('cpu')).toEqual([]);
  });
});
