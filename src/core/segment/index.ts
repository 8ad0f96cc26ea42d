export * from './slidingWindow';
export * from './segmentVolume';
