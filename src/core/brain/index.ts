export * from './brainMask';
