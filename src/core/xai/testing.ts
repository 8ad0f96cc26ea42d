// Test helpers: the PyTorch fixtures of training/export_xai_fixtures.py (public/test-fixtures/xai/).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadSegmentationModel, type SegmentationModel } from '../model/index.ts';
import { parseXaiFixture, type XaiFixture } from './fixtures.ts';

const root = resolve(import.meta.dirname, '../../../public/test-fixtures');

export const loadFixtureModel = (name: string): Promise<SegmentationModel> =>
  loadSegmentationModel(async (path) => new Uint8Array(await readFile(resolve(root, 'model', name, path))));

export type { XaiFixture };

export const loadXaiFixture = (name: string): Promise<XaiFixture> =>
  parseXaiFixture(async (p) => new Uint8Array(await readFile(resolve(root, 'xai', name, p))));
