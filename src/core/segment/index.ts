export * from './slidingWindow';
export * from './segmentVolume';
export * from './modelGrid';
