export * from './components';
export * from './metrics';
export * from './measures';
export * from './analyse';
export * from './outline';
export * from './review';
