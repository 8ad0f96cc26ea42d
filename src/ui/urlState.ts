import type { LoadedCase } from '../core/pipeline/loadCase';
import { parseSharedView, sharedViewQuery, type SharedView } from '../core/export';
import { methodById } from '../core/xai';
import { useApp } from './store';
import { DEMOS, openDemo, openPending, type DemoName } from './caseLoading';
import { runSegmentation, select, selectModel } from './segmentationActions';
import { loadAllModels } from './modelActions';

// Where each opened case came from, so "Copy link" can point at it again; local files have no link.
const sources = new WeakMap<LoadedCase, Pick<SharedView, 'demo' | 'scans'>>();

const notify = (messages: string[]) => messages.length && useApp.setState((s) => ({ notices: [...s.notices, ...messages] }));

/** Fetches scans from the app's own origin (the parser already refused any other) and opens them like dropped files. */
async function openScanUrls(scans: NonNullable<SharedView['scans']>): Promise<void> {
  const app = useApp.getState();
  app.setBusy('Downloading the linked scans…');
  try {
    const fetchFile = async (url: string) => {
      const res = await fetch(url, { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      if (new URL(res.url).origin !== location.origin) throw new Error(`${url} redirected to another site`);
      return new File([await res.arrayBuffer()], decodeURIComponent(new URL(res.url).pathname.split('/').pop() || 'scan.nii'));
    };
    const [flair, mprage, mask] = await Promise.all([scans.flair, scans.mprage, scans.mask].map((u) => (u ? fetchFile(u) : undefined)));
    await openPending([
      { file: flair!, role: 'flair' },
      { file: mprage!, role: 'mprage' },
      ...(mask ? [{ file: mask, role: 'mask' as const }] : []),
    ]);
  } catch (e) {
    app.setBusy(null);
    app.setError(`The linked scans could not be opened (${(e as Error).message}).`);
  }
}

let opened = false;

/**
 * Opens what the page's address asks for, because the user opened that link: a demo or same-origin scans, then
 * the model and settings; with a lesion, it finds the lesions and explains that one.
 */
export async function openFromUrl(search = location.search, pageUrl = location.href): Promise<void> {
  if (opened) return; // React's development double effect: one page load opens one case
  opened = true;
  const { view, problems } = parseSharedView(search, pageUrl);
  await loadAllModels();
  const s = useApp.getState();
  if (view.model && !s.models.some((m) => m.name === view.model)) problems.push(`The link's model '${view.model}' is not shipped with this app; the default model is used.`);
  else if (view.model) selectModel(view.model);
  useApp.setState((st) => ({
    backendPreference: view.backend ?? st.backendPreference,
    explainSettings: {
      method: view.method ?? st.explainSettings.method,
      samples: view.samples ?? st.explainSettings.samples,
      seed: view.seed ?? st.explainSettings.seed,
      cropMode: view.crop ?? st.explainSettings.cropMode,
    },
  }));
  if (view.demo !== undefined) {
    const which: DemoName = view.demo in DEMOS ? (view.demo as DemoName) : 'demo';
    await openDemo(which);
    const scan = useApp.getState().scan;
    if (scan) sources.set(scan, { demo: which });
  } else if (view.scans) {
    await openScanUrls(view.scans);
    const scan = useApp.getState().scan;
    if (scan) sources.set(scan, { scans: view.scans });
  }
  notify(problems); // after the case opened: opening one replaces the notices
  if (!useApp.getState().scan || (!view.lesion && view.threshold === undefined && view.connectivity === undefined && view.drop === undefined)) return;
  useApp.setState(({ instanceSettings: i }) => ({
    instanceSettings: { threshold: view.threshold ?? i.threshold, connectivity: view.connectivity ?? i.connectivity, maxDroppedVoxels: view.drop ?? i.maxDroppedVoxels },
  }));
  await runSegmentation();
  const a = useApp.getState().analysis;
  const l = view.lesion;
  if (!a || !l) return;
  const exists = l.kind === 'predicted' ? l.id <= a.lesions.length : !!a.groundTruth?.missed.some((m) => m.lesionId === l.id);
  if (exists) select(l);
  else notify([`The link asks for ${l.kind === 'predicted' ? 'lesion' : 'missed lesion GT'} ${l.id}, which this segmentation does not have.`]);
}

/** Where the open case came from: a recorded source, or a shipped demo recognised by its name and files. */
function sourceOfOpenCase(): Pick<SharedView, 'demo' | 'scans'> | null {
  const s = useApp.getState();
  if (!s.scan || !s.caseInfo) return null;
  const known = sources.get(s.scan);
  if (known) return known;
  const demo = DEMOS[s.caseInfo.name as DemoName];
  const base = (p: string) => p.split('/').pop();
  return demo && base(demo.flair) === s.caseInfo.flairName && base(demo.mprage) === s.caseInfo.mprageName ? { demo: s.caseInfo.name } : null;
}

/** A link to the current view (case, model, lesion settings, lesion, method), or null for scans opened from local files. */
export function currentShareLink(pageUrl = location.href): string | null {
  const source = sourceOfOpenCase();
  if (!source) return null;
  const s = useApp.getState();
  const e = s.explainSettings;
  const view: SharedView = { ...source };
  if (s.segmentation) {
    Object.assign(view, { model: s.segmentation.modelName, threshold: s.instanceSettings.threshold, connectivity: s.instanceSettings.connectivity, drop: s.instanceSettings.maxDroppedVoxels });
    if (s.selection) Object.assign(view, { lesion: s.selection, method: e.method, crop: e.cropMode });
    if (s.selection && methodById(e.method).usesNoise) Object.assign(view, { samples: e.samples, seed: e.seed });
  }
  const u = new URL(pageUrl);
  return `${u.origin}${u.pathname}${sharedViewQuery(view)}`;
}
