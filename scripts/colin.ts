// Loads the Colin27 templates from Debian's mricron-data (Node only) and prepares the generator's anatomy.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Anatomy, TEMPLATE_DIR, TEMPLATE_FILES, prepareAnatomy, readTemplates } from '../src/core/synth';

export function loadAnatomy(dir = process.env.COLIN_DIR ?? TEMPLATE_DIR): Anatomy {
  const missing = Object.values(TEMPLATE_FILES).filter((f) => !existsSync(join(dir, f)));
  if (missing.length) {
    throw new Error(`Colin27 templates missing in ${dir}: ${missing.join(', ')}. Install them with: sudo apt-get install mricron-data`);
  }
  return prepareAnatomy(readTemplates((name) => readFileSync(join(dir, name))));
}
