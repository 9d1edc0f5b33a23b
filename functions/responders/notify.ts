import { app } from '@azure/functions';
import { notifyTeams } from '../../src/responders/notify.js';
import { defineResponder } from './shared.js';

export const notifyFunction = defineResponder('notify', (incident, deps) =>
  notifyTeams(incident, { ...deps, teams: deps.teams() }),
);

app.http('responder-notify', notifyFunction);
