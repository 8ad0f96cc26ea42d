export * from './segmentScan';
export * from './windowPredictor';
