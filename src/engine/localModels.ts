// Models the user added from files, kept in this browser (IndexedDB) for the next visit: they never leave the
// machine. Read by the page (list, add, remove) and by the compute worker (load), keyed by the model file's SHA-256.
import { memoryModelFolder, type ReadModelFile } from '../core/model';

const DB_NAME = 'lesionlens-models';
const STORE = 'models';
/** modelUrl of an added model: the worker reads it from IndexedDB, not from the network */
export const LOCAL_MODEL_PREFIX = 'local:';

export interface LocalModel {
  /** SHA-256 of the model file (hex) */
  sha256: string;
  /** the checked manifest (validateManifest accepts it) */
  manifest: Record<string, unknown>;
  /** every file given, by name */
  files: Record<string, Uint8Array>;
  addedAt: string;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'sha256' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`this browser's model store could not be opened (${req.error?.message ?? 'IndexedDB unavailable'})`));
  });
}

async function transact<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = run(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(new Error(`the model store failed (${tx.error?.message ?? 'unknown error'})`));
    });
  } finally {
    db.close();
  }
}

/** The added-at time in the url too: a model added again with another manifest is loaded afresh, not from the cache. */
export const localModelUrl = (m: Pick<LocalModel, 'sha256' | 'addedAt'>) => `${LOCAL_MODEL_PREFIX}${m.sha256}@${m.addedAt}`;
export const isLocalModelUrl = (url: string) => url.startsWith(LOCAL_MODEL_PREFIX);

export async function saveLocalModel(model: LocalModel): Promise<void> {
  await transact('readwrite', (s) => s.put(model));
}

export async function listLocalModels(): Promise<LocalModel[]> {
  const all = await transact('readonly', (s) => s.getAll() as IDBRequest<LocalModel[]>);
  return all.sort((a, b) => a.addedAt.localeCompare(b.addedAt));
}

export async function removeLocalModel(sha256: string): Promise<void> {
  await transact('readwrite', (s) => s.delete(sha256));
}

/** The added model behind a local: modelUrl, as a model folder (manifest.json is its checked manifest). */
export async function localModelFolder(url: string): Promise<ReadModelFile> {
  const sha256 = url.slice(LOCAL_MODEL_PREFIX.length).split('@')[0];
  const model = await transact('readonly', (s) => s.get(sha256) as IDBRequest<LocalModel | undefined>);
  if (!model) throw new Error('this added model is no longer in the browser (it was removed, or the site data was cleared): add it again');
  return memoryModelFolder(new Map([...Object.entries(model.files), ['manifest.json', new TextEncoder().encode(JSON.stringify(model.manifest))]]));
}
