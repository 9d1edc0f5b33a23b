import { blockIps } from '../../src/responders/blockIp.js';
import { http } from '../register.js';
import { defineResponder } from './shared.js';

export const blockIpFunction = defineResponder('block-ip', (incident, deps) =>
  blockIps(incident, {
    ...deps,
    graph: deps.graph(),
    namedLocationId: deps.required('BLOCK_IP_NAMED_LOCATION_ID'),
  }),
);

http('responder-block-ip', blockIpFunction);
