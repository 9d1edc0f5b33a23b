import { disableUsers } from '../../src/responders/disableUser.js';
import { http } from '../register.js';
import { defineResponder } from './shared.js';

export const disableUserFunction = defineResponder(
  'disable-user',
  (incident, deps) =>
    disableUsers(incident, {
      ...deps,
      graph: deps.graph(),
      protectedAccounts: (deps.settings.PROTECTED_ACCOUNTS ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    }),
  'incident-or-alert',
);

http('responder-disable-user', disableUserFunction);
