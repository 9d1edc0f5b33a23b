import { isolateDevices } from '../../src/responders/isolateDevice.js';
import { http } from '../register.js';
import { defineResponder } from './shared.js';

export const isolateDeviceFunction = defineResponder(
  'isolate-device',
  (incident, deps) => isolateDevices(incident, { ...deps, defender: deps.defender() }),
  'incident-or-alert',
);

http('responder-isolate-device', isolateDeviceFunction);
