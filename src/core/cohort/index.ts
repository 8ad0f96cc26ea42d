export * from './bids';
export * from './shard';
export * from './stats';
export * from './processScan';
export * from './report';
