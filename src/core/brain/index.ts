export * from './brainMask';
export * from './editMask';
