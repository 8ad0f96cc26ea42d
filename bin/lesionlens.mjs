#!/usr/bin/env node
// The `lesionlens` command: runs src/cli/main.ts through tsx (the TypeScript sources are the program; no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
