import { app } from '@azure/functions';
import { isolateDevices } from '../../src/responders/isolateDevice.js';
import { defineResponder } from './shared.js';

export const isolateDeviceFunction = defineResponder('isolate-device', (incident, deps) =>
  isolateDevices(incident, { ...deps, defender: deps.defender() }),
);

app.http('responder-isolate-device', isolateDeviceFunction);
