// File-system helpers of the command line: walking a dataset, writing so that no reader ever sees half a file,
// and one lock per scan so that tasks sharing an output folder never work on the same scan.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

/** Reads model files from a folder (loadSegmentationModel's ReadModelFile). */
export function folderReader(dir: string) {
  return async (path: string) => new Uint8Array(readFileSync(join(dir, path)));
}

/** Every file under root, as '/'-separated paths relative to it; hidden entries are skipped. */
export function walk(root: string, under = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, under), { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const rel = under ? `${under}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(root, rel));
    else if (e.isFile() || e.isSymbolicLink()) out.push(rel);
  }
  return out;
}

const PARTIAL = '.partial-';

/** Writes to a temporary name beside the target, then renames: readers see the old file or the whole new one. */
export function writeAtomic(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}${PARTIAL}${hostname()}-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Removes what a killed writer left of files starting with `stemPath` (call while holding the scan's lock). */
export function removePartials(stemPath: string): number {
  const dir = dirname(stemPath);
  if (!existsSync(dir)) return 0;
  const base = stemPath.slice(dir.length + 1);
  let n = 0;
  for (const f of readdirSync(dir))
    if (f.startsWith(base) && f.includes(PARTIAL)) {
      rmSync(join(dir, f), { force: true });
      n++;
    }
  return n;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock of another host is taken over after this long (its node died): scans take minutes, not a day. */
export const FOREIGN_LOCK_STALE_MS = 24 * 3600 * 1000;

export type LockResult = { release: () => void; tookOver: string | null } | { heldBy: string };

/**
 * Takes `path` as a lock file (created exclusively). A lock left by a dead process of this host, or one of
 * another host older than FOREIGN_LOCK_STALE_MS, is taken over; a live one is reported as held.
 */
export function tryLock(path: string): LockResult {
  mkdirSync(dirname(path), { recursive: true });
  const me = `${hostname()} ${process.pid}`;
  let staleOwner: string | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${me}\n`);
      closeSync(fd);
      return {
        tookOver: staleOwner,
        release: () => {
          if (existsSync(path) && readFileSync(path, 'utf8').trim() === me) rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readFileSync(path, 'utf8').trim();
      const [host, pid] = owner.split(' ');
      const stale = host === hostname() ? !alive(Number(pid)) : Date.now() - statSync(path).mtimeMs > FOREIGN_LOCK_STALE_MS;
      if (!stale) return { heldBy: owner };
      staleOwner = owner;
      rmSync(path, { force: true });
    }
  }
  return { heldBy: 'another task (the lock came back at once)' };
}
