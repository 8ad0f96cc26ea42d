// The module graph of src/ (relative imports, type-only ones included): no import cycle anywhere, and
// the science in core/ never reaches into the app's worker (engine/) or page (ui/). eslint.config.js
// says the same per file; this sees the whole graph.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}

// `... from './x'`, `import './x'` and `import('./x')`; bare package names are not part of the graph
const SPECIFIER = /\bfrom\s*['"](\.[^'"]*)['"]|\bimport\s*['"](\.[^'"]*)['"]|\bimport\(\s*['"](\.[^'"]*)['"]\s*\)/g;

function resolveImport(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const p of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')])
    if (/\.tsx?$/.test(p) && existsSync(p) && statSync(p).isFile()) return p;
  return null; // css, json, workers' ?url imports: not modules of the graph
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const target = resolveImport(file, (m[1] ?? m[2] ?? m[3]).replace(/\?.*$/, ''));
    if (target) out.push(target);
  }
  return out;
}

/** Every cycle closed by a back edge of a depth-first walk, as module paths from src/. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].map((p) => relative(src, p)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

const graph = new Map(sourceFiles(src).map((f) => [f, importsOf(f)]));

describe('module layers', () => {
  it('reads the graph (sanity: the worker imports the pipeline)', () => {
    expect(graph.get(join(src, 'engine/worker.ts'))).toContain(join(src, 'core/pipeline/index.ts'));
  });

  it('has no import cycle under src/', () => {
    expect(findCycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('core/ imports nothing from engine/ or ui/', () => {
    const crossings = [...graph].flatMap(([file, targets]) =>
      file.startsWith(join(src, 'core') + '/')
        ? targets.filter((t) => /^(engine|ui)\//.test(relative(src, t))).map((t) => `${relative(src, file)} -> ${relative(src, t)}`)
        : [],
    );
    expect(crossings).toEqual([]);
  });

  it('cli/ (the command line) goes through core/ only, and nothing in the app imports it', () => {
    const crossings = [...graph].flatMap(([file, targets]) => {
      const from = relative(src, file);
      return targets
        .map((t) => relative(src, t))
        .filter((t) => (from.startsWith('cli/') && /^(engine|ui)\//.test(t)) || (/^(core|engine|ui)\//.test(from) && t.startsWith('cli/')))
        .map((t) => `${from} -> ${t}`);
    });
    expect(crossings).toEqual([]);
  });
});
