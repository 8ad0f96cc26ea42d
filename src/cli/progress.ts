// Progress per scan on stderr: a bar redrawn in place on a terminal, a line per stage with --progress lines (logs
// that want to follow along), nothing otherwise (a batch log keeps only each scan's result line).
import type { ScanStage } from '../core/cohort';

export type ProgressMode = 'bar' | 'lines' | 'none';

const STAGE_WORDS: Record<ScanStage, string> = { brain: 'brain', windows: 'windows', lesions: 'lesions', explain: 'explaining' };

export function progressReporter(mode: ProgressMode, label: string, out: NodeJS.WriteStream = process.stderr) {
  let lastLine = '';
  let lastStage: ScanStage | null = null;
  const width = 24;
  return {
    update(stage: ScanStage, done: number, total: number) {
      if (mode === 'none') return;
      if (mode === 'lines') {
        // one line when a stage starts and when it ends, not per window
        if (stage !== lastStage || done === total) out.write(`${label} ${STAGE_WORDS[stage]} ${done}/${total}\n`);
        lastStage = stage;
        return;
      }
      const filled = total ? Math.round((width * done) / total) : width;
      const line = `${label} ${STAGE_WORDS[stage].padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
      if (line !== lastLine) out.write(`\r${line.padEnd(lastLine.length)}`);
      lastLine = line;
    },
    /** clears the bar before the scan's result line is printed */
    end() {
      if (mode === 'bar' && lastLine) out.write(`\r${' '.repeat(lastLine.length)}\r`);
      lastLine = '';
    },
  };
}
