// A BIDS dataset -> the scans to segment, from a list of its file paths (no file system here: the command line
// walks the folder, tests give a list). One unit of work per FLAIR: sub-<label>/[ses-<label>/]anat/*_FLAIR.nii[.gz],
// with the T1w of the same folder and, when there is one, a ground-truth lesion mask from the dataset's derivatives.

/** One FLAIR (and its T1w) to segment; paths are as given (relative to the dataset, or absolute for a CSV). */
export interface CohortScan {
  participant: string;
  session: string | null;
  /** the FLAIR file name without `_FLAIR.nii[.gz]`: every output of this scan starts with it */
  prefix: string;
  flair: string;
  t1: string | null;
  groundTruth: string | null;
  /** what the user should know about the pairing (several T1w, say) */
  notes: string[];
}

const SCAN = /^sub-([A-Za-z0-9]+)\/(?:ses-([A-Za-z0-9]+)\/)?anat\/(sub-[A-Za-z0-9]+(?:_[A-Za-z0-9]+-[A-Za-z0-9]+)*)_(FLAIR|T1w)\.nii(?:\.gz)?$/;
const GT_SUFFIX = /_desc-lesions?_mask\.nii(?:\.gz)?$/;

/** The BIDS entities of a file-name stem (sub-01_ses-2_run-1 -> {sub: '01', ses: '2', run: '1'}). */
function entities(stem: string): Map<string, string> {
  return new Map(stem.split('_').map((kv) => kv.split('-', 2) as [string, string]));
}

export interface FindOptions {
  /** participant labels to keep, without `sub-` (empty: all) */
  participants?: readonly string[];
  /** a ground-truth path with {participant}, {session} and {prefix} filled in; default: derivatives/ of the dataset */
  groundTruthPattern?: string;
}

/**
 * The scans of a dataset given its file paths relative to the dataset root ('/'-separated). Sorted by participant,
 * session and prefix, so every task of an array job sees one order.
 */
export function findBidsScans(relPaths: readonly string[], o: FindOptions = {}): CohortScan[] {
  const keep = new Set((o.participants ?? []).map((p) => p.replace(/^sub-/, '')));
  const byFolder = new Map<string, { flair: string[]; t1: string[]; participant: string; session: string | null }>();
  for (const path of relPaths) {
    const m = SCAN.exec(path);
    if (!m) continue;
    const [, participant, session = null, stem, suffix] = m;
    const e = entities(stem);
    // the file name must agree with its folders (sub-01/anat/sub-02_FLAIR is not sub-01's)
    if (e.get('sub') !== participant || (e.get('ses') ?? null) !== session) continue;
    if (keep.size && !keep.has(participant)) continue;
    const folder = path.slice(0, path.lastIndexOf('/'));
    const f = byFolder.get(folder) ?? { flair: [], t1: [], participant, session };
    (suffix === 'FLAIR' ? f.flair : f.t1).push(path);
    byFolder.set(folder, f);
  }
  const derivatives = relPaths.filter((p) => p.startsWith('derivatives/') && GT_SUFFIX.test(p));
  const scans: CohortScan[] = [];
  for (const f of byFolder.values()) {
    const t1s = [...f.t1].sort();
    for (const flair of [...f.flair].sort()) {
      const prefix = flair.slice(flair.lastIndexOf('/') + 1).replace(/_FLAIR\.nii(\.gz)?$/, '');
      const notes: string[] = [];
      const t1 = pickT1(prefix, t1s, notes);
      scans.push({ participant: f.participant, session: f.session, prefix, flair, t1, groundTruth: groundTruthFor(prefix, f.participant, f.session, derivatives, o.groundTruthPattern), notes });
    }
  }
  return scans.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
}

/** The T1w for a FLAIR: the only one; else the one sharing the FLAIR's acq/run entities; else the first, said. */
function pickT1(prefix: string, t1s: string[], notes: string[]): string | null {
  if (t1s.length <= 1) return t1s[0] ?? null;
  const want = entities(prefix);
  const same = t1s.filter((t) => {
    const e = entities(t.slice(t.lastIndexOf('/') + 1).replace(/_T1w\.nii(\.gz)?$/, ''));
    return ['run', 'acq'].every((k) => !want.has(k) || e.get(k) === want.get(k));
  });
  const chosen = same[0] ?? t1s[0];
  if (same.length !== 1) notes.push(`${t1s.length} T1w scans in the folder; ${chosen.slice(chosen.lastIndexOf('/') + 1)} was used`);
  return chosen;
}

function groundTruthFor(prefix: string, participant: string, session: string | null, derivatives: string[], pattern?: string): string | null {
  if (pattern) return pattern.replaceAll('{participant}', participant).replaceAll('{session}', session ?? '').replaceAll('{prefix}', prefix);
  // derivatives/<pipeline>/sub-X/[ses-Y/]anat/<prefix>[_space-...]_desc-lesion(s)_mask.nii[.gz]
  const folder = `sub-${participant}/${session ? `ses-${session}/` : ''}anat/`;
  const hits = derivatives.filter((p) => p.includes(`/${folder}`) && p.slice(p.lastIndexOf('/') + 1).startsWith(`${prefix}_`)).sort();
  return hits[0] ?? null;
}

/** Where a scan's outputs go, relative to the output dataset: sub-X/[ses-Y/]anat/<prefix>_... */
export function outputStem(s: Pick<CohortScan, 'participant' | 'session' | 'prefix'>): string {
  return `sub-${s.participant}/${s.session ? `ses-${s.session}/` : ''}anat/${s.prefix}`;
}

/**
 * Scans from a CSV (header: participant, flair, t1 and optionally session, ground_truth; paths as written), for
 * data that is not in BIDS. Throws with the line that is wrong.
 */
export function scansFromCsv(text: string): CohortScan[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (!lines.length) throw new Error('the CSV is empty');
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  for (const need of ['participant', 'flair', 't1'])
    if (col(need) < 0) throw new Error(`the CSV has no '${need}' column (its header: ${header.join(', ')}; needed: participant, flair, t1, and optionally session, ground_truth)`);
  return lines.slice(1).map((line, n) => {
    const cells = line.split(',').map((c) => c.trim());
    const get = (name: string) => (col(name) >= 0 ? cells[col(name)] || null : null);
    const participant = (get('participant') ?? '').replace(/^sub-/, '');
    if (!/^[A-Za-z0-9]+$/.test(participant)) throw new Error(`CSV line ${n + 2}: participant '${get('participant') ?? ''}' is not a BIDS label (letters and digits)`);
    const session = get('session')?.replace(/^ses-/, '') ?? null;
    if (session !== null && !/^[A-Za-z0-9]+$/.test(session)) throw new Error(`CSV line ${n + 2}: session '${session}' is not a BIDS label (letters and digits)`);
    const flair = get('flair');
    if (!flair) throw new Error(`CSV line ${n + 2}: no FLAIR path`);
    return { participant, session, prefix: `sub-${participant}${session ? `_ses-${session}` : ''}`, flair, t1: get('t1'), groundTruth: get('ground_truth'), notes: [] };
  });
}
