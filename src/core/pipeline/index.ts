export * from './segmentScan';
export * from './windowPredictor';
export * from './explainLesion';
export * from './loadCase';
