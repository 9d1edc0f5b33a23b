import { notifyTeams } from '../../src/responders/notify.js';
import { http } from '../register.js';
import { defineResponder } from './shared.js';

export const notifyFunction = defineResponder(
  'notify',
  (incident, deps) => notifyTeams(incident, { ...deps, teams: deps.teams() }),
  'incident-or-alert',
);

http('responder-notify', notifyFunction);
