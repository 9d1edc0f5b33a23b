import { enrichIncident } from '../../src/responders/enrich.js';
import { http } from '../register.js';
import { defineResponder } from './shared.js';

export const enrichFunction = defineResponder('enrich', (incident, deps) =>
  enrichIncident(incident, {
    ...deps,
    logs: deps.logs(),
    workspaceId: deps.settings.LOG_ANALYTICS_WORKSPACE_ID,
  }),
);

http('responder-enrich', enrichFunction);
