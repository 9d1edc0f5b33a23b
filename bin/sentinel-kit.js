#!/usr/bin/env node
// In a checkout (src/ present) the CLI runs from TypeScript through tsx's loader, so there is no
// build step between a git pull and use. The published package has no src/: it carries the CLI
// bundled to JavaScript by `npm pack` (prepack: npm run build:cli).
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/cli/sentinel-kit.js');
}
