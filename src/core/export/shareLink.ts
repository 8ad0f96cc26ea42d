import { EXPLAIN_METHOD_IDS, type ExplainMethod, isExplainMethod } from '../xai/methods/index.ts';

/** What a shared link opens and selects. Scans come from URLs on the app's own origin, or a shipped demo. */
export interface SharedView {
  demo?: string;
  scans?: { flair: string; mprage: string; mask?: string };
  model?: string;
  lesion?: { kind: 'predicted' | 'missed'; id: number };
  method?: ExplainMethod;
  samples?: number;
  seed?: number;
  crop?: 'exact' | 'fast';
  threshold?: number;
  connectivity?: 6 | 18 | 26;
  /** lesions of this many voxels or fewer are dropped (it changes the lesion ids) */
  drop?: number;
  /** where to compute: not part of a copied link (the receiver's machine decides), accepted for tests and benchmarks */
  backend?: 'auto' | 'webgpu' | 'webgl' | 'cpu';
}

/** A scan URL, resolved against the page, only if it is on the page's own origin (http or https). */
export function sameOriginUrl(raw: string, pageUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(raw, pageUrl);
  } catch {
    return null;
  }
  const page = new URL(pageUrl);
  return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === page.origin ? u.href : null;
}

/**
 * Reads a page's query. Unknown or malformed values are dropped and reported in `problems` (for the user),
 * and scan URLs on another origin are refused: the app only fetches from where it was served.
 */
export function parseSharedView(search: string, pageUrl: string): { view: SharedView; problems: string[] } {
  const q = new URLSearchParams(search);
  const view: SharedView = {};
  const problems: string[] = [];
  const int = (name: string, lo: number, hi: number): number | undefined => {
    const raw = q.get(name);
    if (raw === null) return undefined;
    const v = Number(raw);
    if (raw.trim() !== '' && Number.isInteger(v) && v >= lo && v <= hi) return v;
    problems.push(`The link's ${name}=${raw} is not a whole number from ${lo} to ${hi}; it was ignored.`);
    return undefined;
  };
  const demo = q.get('demo');
  if (demo !== null) view.demo = demo || 'demo';
  const flair = q.get('flair');
  const mprage = q.get('mprage');
  if (flair !== null || mprage !== null) {
    const mask = q.get('mask');
    const urls = { flair, mprage, mask };
    const resolved: Record<string, string | null> = {};
    for (const [role, raw] of Object.entries(urls)) {
      if (raw === null) continue;
      resolved[role] = sameOriginUrl(raw, pageUrl);
      if (!resolved[role]) problems.push(`The link's ${role} scan (${raw}) is not on this app's own address (${new URL(pageUrl).origin}); it was not opened.`);
    }
    if (!flair || !mprage) problems.push('A shared link must give both a flair= and an mprage= scan.');
    else if (resolved.flair && resolved.mprage && (mask === null || resolved.mask)) {
      view.scans = { flair: resolved.flair, mprage: resolved.mprage, ...(resolved.mask ? { mask: resolved.mask } : {}) };
    }
  }
  const model = q.get('model');
  if (model !== null) view.model = model;
  const lesion = q.get('lesion');
  if (lesion !== null) {
    const m = /^(gt)?(\d+)$/i.exec(lesion.trim());
    if (m && +m[2] >= 1) view.lesion = { kind: m[1] ? 'missed' : 'predicted', id: +m[2] };
    else problems.push(`The link's lesion=${lesion} is not a lesion number (e.g. 3, or gt2 for a missed lesion); it was ignored.`);
  }
  const method = q.get('method');
  if (method !== null) {
    if (isExplainMethod(method)) view.method = method;
    else problems.push(`The link's method=${method} is not one of ${EXPLAIN_METHOD_IDS.join(', ')}; it was ignored.`);
  }
  view.samples = int('samples', 1, 100000);
  view.seed = int('seed', 0, 2 ** 31 - 1);
  const crop = q.get('crop');
  if (crop === 'exact' || crop === 'fast') view.crop = crop;
  else if (crop !== null) problems.push(`The link's crop=${crop} is not exact or fast; it was ignored.`);
  const threshold = q.get('threshold');
  if (threshold !== null) {
    const t = Number(threshold);
    if (threshold.trim() !== '' && t > 0 && t < 1) view.threshold = t;
    else problems.push(`The link's threshold=${threshold} is not between 0 and 1; it was ignored.`);
  }
  const connectivity = int('connectivity', 6, 26);
  if (connectivity === 6 || connectivity === 18 || connectivity === 26) view.connectivity = connectivity;
  else if (connectivity !== undefined) problems.push(`The link's connectivity=${connectivity} is not 6, 18 or 26; it was ignored.`);
  view.drop = int('drop', 0, 1000000);
  const backend = q.get('backend');
  if (backend === 'auto' || backend === 'webgpu' || backend === 'webgl' || backend === 'cpu') view.backend = backend;
  else if (backend !== null) problems.push(`The link's backend=${backend} is not auto, webgpu, webgl or cpu; it was ignored.`);
  for (const k of Object.keys(view) as (keyof SharedView)[]) if (view[k] === undefined) delete view[k];
  return { view, problems };
}

/** The query string of a view, in a fixed order (readable, and equal views give equal links). Scan URLs stay as given. */
export function sharedViewQuery(v: SharedView): string {
  const q: [string, string][] = [];
  if (v.demo !== undefined) q.push(['demo', v.demo]);
  if (v.scans) {
    q.push(['flair', v.scans.flair], ['mprage', v.scans.mprage]);
    if (v.scans.mask) q.push(['mask', v.scans.mask]);
  }
  if (v.model) q.push(['model', v.model]);
  if (v.threshold !== undefined) q.push(['threshold', String(v.threshold)]);
  if (v.connectivity !== undefined) q.push(['connectivity', String(v.connectivity)]);
  if (v.drop !== undefined) q.push(['drop', String(v.drop)]);
  if (v.lesion) q.push(['lesion', `${v.lesion.kind === 'missed' ? 'gt' : ''}${v.lesion.id}`]);
  if (v.method) q.push(['method', v.method]);
  if (v.samples !== undefined) q.push(['samples', String(v.samples)]);
  if (v.seed !== undefined) q.push(['seed', String(v.seed)]);
  if (v.crop) q.push(['crop', v.crop]);
  if (v.backend) q.push(['backend', v.backend]);
  // '?demo' rather than '?demo=' for the default demo: the form people type
  return '?' + q.map(([k, val]) => (k === 'demo' && val === 'demo' ? 'demo' : `${k}=${encodeURIComponent(val).replace(/%2F/g, '/')}`)).join('&');
}
