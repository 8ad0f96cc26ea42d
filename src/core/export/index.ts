export * from './csv';
export * from './fileName';
export * from './sha256';
export * from './niftiMaps';
export * from './provenance';
export * from './shareLink';
export * from './screenshot';
