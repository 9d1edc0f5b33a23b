import { blockIps } from '../../src/responders/blockIp.js';
import { http } from '../register.js';
import { defineResponder, SettingError } from './shared.js';

export const blockIpFunction = defineResponder(
  'block-ip',
  (incident, deps) => {
    const hours = Number(deps.settings.BLOCK_IP_TTL_HOURS ?? 168);
    if (!Number.isFinite(hours) || hours <= 0)
      throw new SettingError('BLOCK_IP_TTL_HOURS', 'is not a positive number');
    return blockIps(incident, {
      ...deps,
      graph: deps.graph(),
      namedLocationId: deps.required('BLOCK_IP_NAMED_LOCATION_ID'),
      records: deps.blockRecords(),
      ttlMs: hours * 3_600_000,
    });
  },
  'incident-or-alert',
);

http('responder-block-ip', blockIpFunction);
