// Worker bootstrap: the query worker process is TypeScript, run through tsx's loader like the CLI, so it
// works the same under `npm start`, vitest and `bin/sentinel-kit.js` without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
