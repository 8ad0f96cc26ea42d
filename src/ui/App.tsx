import { useEffect, useState } from 'react';
import { useApp } from './store';
import { Toolbar } from './Toolbar';
import { Viewer } from './Viewer';
import { StatusBar } from './StatusBar';
import { RoleDialog } from './OpenFiles';
import { filesFromDrop, openDemo, stageFiles } from './caseLoading';
import { isModelFileName, stageModelFiles } from './modelActions';
import { useKeyboard } from './keyboard';
import { ModelPanel } from './ModelPanel';
import { LesionPanel } from './LesionPanel';
import { OverlayControls } from './OverlayControls';
import { ExplainPanel } from './ExplainPanel';
import { SaliencyColourBar } from './SaliencyColourBar';
import { openFromUrl } from './urlState';
import { ExportPanel } from './ExportPanel';
import { installUnloadGuard } from './unsaved';
import { getEngine } from '../engine/client';

export function App() {
  const busy = useApp((s) => s.busy);
  const error = useApp((s) => s.error);
  const notices = useApp((s) => s.notices);
  const caseInfo = useApp((s) => s.caseInfo);
  const dismiss = useApp((s) => s.dismissNotice);
  const [dragging, setDragging] = useState(false);
  useKeyboard();

  useEffect(() => {
    openFromUrl(); // ?demo, or same-origin scans, with lesion and method (urlState.ts)
  }, []);

  useEffect(() => {
    // the worker's messages for the user (e.g. a GPU fault it recovered from) join the notices
    getEngine().onNotice = (message) => useApp.setState((s) => ({ notices: [...s.notices, message] }));
    return installUnloadGuard();
  }, []);

  return (
    <div
      className={`app ${dragging ? 'dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void filesFromDrop(e.dataTransfer).then((files) => {
          // a model (.onnx, or model.json with its weights) goes to the add-model form, scans to the case
          if (files.some((f) => isModelFileName(f.name))) void stageModelFiles(files);
          else if (files.length) void stageFiles(files);
        });
      }}
    >
      <header>
        <h1>LesionLens</h1>
        <span className="case-name" data-testid="case-name">
          {caseInfo ? `${caseInfo.name}: ${caseInfo.flairName} + ${caseInfo.mprageName}${caseInfo.maskName ? ` + ${caseInfo.maskName}` : ''}` : 'no scan open'}
        </span>
        <span className="disclaimer" role="note">
          Research and demonstration only — not for clinical use. Models are trained on synthetic images (with real lesion shapes) and tested on one real MS patient; they miss lesions and find false ones. Scans never leave this computer.
        </span>
      </header>
      <Toolbar />
      {error && (
        <div className="banner error" role="alert" data-testid="error">
          {error}
          <button aria-label="Dismiss" onClick={() => useApp.getState().setError(null)}>
            ×
          </button>
        </div>
      )}
      {notices.map((n, i) => (
        <div className="banner notice" role="status" key={i} data-testid="notice">
          {n}
          <button aria-label="Dismiss" onClick={() => dismiss(i)}>
            ×
          </button>
        </div>
      ))}
      <div className="workspace">
      <main>
        <Viewer />
        <SaliencyColourBar />
        {!caseInfo && !busy && (
          <div className="empty">
            <p>Drop a FLAIR and an MPRAGE (.nii or .nii.gz), and optionally a ground-truth lesion mask, anywhere on this page,</p>
            <p>
              or <button onClick={() => openDemo()}>open the demo case</button>.
            </p>
          </div>
        )}
        {busy && (
          <div className="busy" role="progressbar" aria-busy="true" data-testid="busy">
            <div className="spinner" /> {busy}
          </div>
        )}
      </main>
        <aside className="sidebar">
          <ModelPanel />
          <OverlayControls />
          <ExplainPanel />
          <LesionPanel />
          <ExportPanel />
        </aside>
      </div>
      <StatusBar />
      <RoleDialog />
    </div>
  );
}
