import type { InvocationContext } from '@azure/functions';
import {
  type ConnectorName,
  runConnectorFromSettings,
  scheduleFromSettings,
} from '../../src/connectors/settings.js';
import { timer } from '../register.js';

/**
 * Registers a connector's timer. A failed run throws so the invocation shows as failed in Application
 * Insights; committed pages stay committed and the next tick resumes from them.
 */
export function registerConnectorTimer(name: ConnectorName): void {
  timer(name, {
    schedule: scheduleFromSettings(name, process.env),
    // The schedule monitor runs a tick missed while the app was down once it is back (isPastDue).
    useMonitor: true,
    handler: async (_timer: unknown, context: InvocationContext) => {
      const result = await runConnectorFromSettings(name, process.env, {
        info: (m) => context.log(m),
        warn: (m) => context.warn(m),
        error: (m) => context.error(m),
      });
      if (result.outcome === 'failed') throw new Error(`${name} connector run failed: ${result.error}`);
    },
  });
}
