import { markQaSample } from '../../src/operations/qa.js';
import { operationsConfig } from '../operations/config.js';
import { http } from '../register.js';
import { defineResponder } from './shared.js';

/** Marks closures QA samples (kql/operations.yaml `qa`), run by an automation rule on incident update. */
export const qaReviewFunction = defineResponder('qa-review', (incident, deps) =>
  markQaSample(incident, deps, operationsConfig().model),
);

http('responder-qa-review', qaReviewFunction);
