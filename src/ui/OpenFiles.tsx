import { useRef } from 'react';
import { useApp } from './store';
import { openPending, rolesProblem, stageFiles } from './caseLoading';
import type { ScanRole } from '../core/volume/roles';

const ROLE_LABELS: Record<ScanRole | 'ignore', string> = {
  flair: 'FLAIR',
  mprage: 'MPRAGE (T1)',
  mask: 'Ground-truth lesion mask',
  ignore: 'Do not use',
};

export function OpenFilesButton() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button onClick={() => input.current?.click()} title="Open FLAIR + MPRAGE (+ optional mask) (O)">
        Open scans…
      </button>
      <input
        ref={input}
        data-testid="file-input"
        type="file"
        multiple
        accept=".nii,.gz,.nii.gz"
        hidden
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length) stageFiles(files);
        }}
      />
    </>
  );
}

/** Lets the user confirm or correct the role guessed for each file before anything is read. */
export function RoleDialog() {
  const pending = useApp((s) => s.pending);
  const setPending = useApp((s) => s.setPending);
  if (!pending.length) return null;
  const problem = rolesProblem(pending);
  return (
    <div className="dialog" role="dialog" aria-label="Assign scans">
      <h2>Which scan is which?</h2>
      <p className="hint">Guessed from the file names: check and correct. Nothing leaves this computer.</p>
      <table>
        <tbody>
          {pending.map((p, i) => (
            <tr key={i}>
              <td className="filename">{p.file.name}</td>
              <td>{(p.file.size / 1e6).toFixed(1)} MB</td>
              <td>
                <select
                  aria-label={`Role of ${p.file.name}`}
                  value={p.role}
                  onChange={(e) => setPending(pending.map((q, k) => (k === i ? { ...q, role: e.target.value as ScanRole } : q)))}
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
