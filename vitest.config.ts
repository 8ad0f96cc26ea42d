import { defineConfig } from 'vitest/config';
import { dcm2niixAlias } from './vite.config';

export default defineConfig({
  resolve: { alias: dcm2niixAlias },
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    pool: 'forks',
  },
});
