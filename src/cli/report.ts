// `lesionlens report`: the cohort statistics over what `lesionlens run` wrote (every shard's scans), as a TSV and a
// self-contained HTML page (no script, nothing fetched).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cohortReport, reportHtml, statisticsTsv, type ScanRecord } from '../core/cohort';
import { parseTsv } from '../core/export';
import { walk, writeAtomic } from './files';

export function reportCohort(outDir: string, log: (line: string) => void = (l) => console.log(l)): number {
  const root = resolve(outDir);
  if (!existsSync(join(root, 'dataset_description.json'))) {
    log(`${outDir}: not an output folder of lesionlens run (no dataset_description.json)`);
    return 2;
  }
  const files = walk(root);
  const scans: ScanRecord[] = [];
  for (const tsv of files.filter((f) => f.endsWith('_desc-lesions_stats.tsv')).sort()) {
    const stem = tsv.replace(/_desc-lesions_stats\.tsv$/, '');
    const sidecar = join(root, `${stem}_desc-lesions_dseg.json`);
    // a scan without its sidecar was interrupted: it is not done, and not counted
    if (!existsSync(sidecar)) continue;
    scans.push({ stem, rows: parseTsv(readFileSync(join(root, tsv), 'utf8')), sidecar: JSON.parse(readFileSync(sidecar, 'utf8')).LesionLens });
  }
  const statuses = new Map<string, number>();
  for (const f of files.filter((f) => /^logs\/summary_.*\.tsv$/.test(f)))
    for (const r of parseTsv(readFileSync(join(root, f), 'utf8'))) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  if (!scans.length) {
    log(`${outDir}: no finished scan yet (no *_desc-lesions_stats.tsv with its sidecar)`);
    return 3;
  }
  const r = cohortReport(scans);
  writeAtomic(join(root, 'report', 'statistics.tsv'), statisticsTsv(r));
  writeAtomic(join(root, 'report', 'report.html'), reportHtml(r, `LesionLens cohort report: ${r.scans} scans`));
  log(`report: ${r.scans} scans, ${r.lesions} lesions, ${r.explained} explained${statuses.size ? `; run logs: ${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}` : ''}`);
  for (const s of r.stats) log(`  ${s.finding} | ${s.measure} | ${Number.isFinite(s.value) ? s.value.toPrecision(4) : 'n/a'} | n=${s.n}${s.p !== null ? ` | p=${s.p.toPrecision(3)}` : ''}`);
  log(`written: ${join(root, 'report', 'statistics.tsv')}, ${join(root, 'report', 'report.html')}`);
  return 0;
}
