// The Emscripten module inside @niivue/dcm2niix (aliased in vite.config.ts and vitest.config.ts: the
// package exports only its own worker wrapper, which neither reports dcm2niix's messages nor runs twice).
declare module 'dcm2niix-wasm' {
  import type { Dcm2niixModule } from '../core/volume/dicom';
  export default function createDcm2niix(options?: { print?: (line: string) => void; printErr?: (line: string) => void }): Promise<Dcm2niixModule>;
}
