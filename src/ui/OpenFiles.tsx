import { useRef } from 'react';
import { useApp } from './store';
import { openPending, rolesProblem, stageFiles } from './caseLoading';
import type { ScanRole } from '../core/volume/roles';

const ROLE_LABELS: Record<ScanRole | 'ignore', string> = {
  flair: 'FLAIR',
  mprage: 'T1 (MPRAGE or other)',
  mask: 'Ground-truth lesion mask',
  ignore: 'Do not use',
};

export function OpenFilesButton() {
  const input = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const onChange = (e: React.ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = '';
    if (files.length) void stageFiles(files);
  };
  return (
    <>
      <button onClick={() => input.current?.click()} title="Open FLAIR + T1 (+ optional mask): NIfTI or DICOM files (O)">
        Open scans…
      </button>
      <button onClick={() => folder.current?.click()} title="Open a folder of DICOM files (a study exported from PACS)">
        Open DICOM folder…
      </button>
      <input
        ref={input}
        data-testid="file-input"
        type="file"
        multiple
        accept=".nii,.gz,.nii.gz,.hdr,.img,.dcm,.ima,application/dicom"
        hidden
        onChange={onChange}
      />
      <input ref={folder} data-testid="folder-input" type="file" multiple hidden onChange={onChange} {...{ webkitdirectory: '' }} />
    </>
  );
}

/** Lets the user confirm or correct the role guessed for each file before anything is read. */
export function RoleDialog() {
  const pending = useApp((s) => s.pending);
  const notes = useApp((s) => s.pendingNotes);
  const setPending = useApp((s) => s.setPending);
  const dicom = pending.some((p) => p.label);
  if (!pending.length) return null;
  const problem = rolesProblem(pending);
  return (
    <div className="dialog" role="dialog" aria-label="Assign scans">
      <h2>Which scan is which?</h2>
      <p className="hint">
        {dicom ? 'Guessed from the series descriptions and timings' : 'Guessed from the file names'}: check and correct. Nothing leaves this computer.
      </p>
      <table>
        <tbody>
          {pending.map((p, i) => (
            <tr key={i}>
              <td className="filename">{p.label ?? p.file.name}</td>
              <td>{(p.file.size / 1e6).toFixed(1)} MB</td>
              <td>
                <select
                  aria-label={`Role of ${p.label ?? p.file.name}`}
                  value={p.role}
                  onChange={(e) => setPending(pending.map((q, k) => (k === i ? { ...q, role: e.target.value as ScanRole } : q)), notes)}
                >
                  {Object.entries(ROLE_LABELS).map(([role, label]) => (
                    <option key={role} value={role}>
                      {label}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {notes.map((n, i) => (
        <p className="hint warn" key={i} data-testid="pending-note">
          {n}
        </p>
      ))}
      {problem && <p className="hint warn">{problem}</p>}
      <div className="buttons">
        <button onClick={() => setPending([])}>Cancel</button>
        <button className="primary" disabled={!!problem} onClick={() => openPending(pending)}>
          Open
        </button>
      </div>
    </div>
  );
}
