import type { InvocationContext, TimerFunctionOptions } from '@azure/functions';
import { runSlaTick } from '../../src/operations/escalate.js';
import { TeamsWebhook } from '../../src/responders/teams.js';
import { parseWorkspaceArmId } from '../../src/sentinel/client.js';
import { timer } from '../register.js';
import { responderDeps, SettingError } from '../responders/shared.js';
import { operationsConfig } from './config.js';

/**
 * The SOC operations timer: SLA escalation and watchlist routing over the open incidents of the workspace
 * in SENTINEL_WORKSPACE_RESOURCE_ID, with the model `build` compiled to SOC_OPERATIONS_FILE (default
 * infra/generated/operations.json under the app root). Every 5 minutes unless SOC_OPERATIONS_SCHEDULE
 * (an NCRONTAB expression) says otherwise. `now` is the wall clock in Azure; the local SOC passes its
 * simulated clock, so SLAs run on the same accelerated time as its rules and incidents.
 */
export const socOperationsTimer = (now: () => number): TimerFunctionOptions => ({
  schedule: process.env.SOC_OPERATIONS_SCHEDULE || '0 */5 * * * *',
  useMonitor: true,
  handler: async (_timer: unknown, context: InvocationContext) => {
    const config = operationsConfig();
    const workspaceId = process.env.SENTINEL_WORKSPACE_RESOURCE_ID ?? '';
    const workspace = parseWorkspaceArmId(workspaceId);
    if (!workspace)
      throw new SettingError('SENTINEL_WORKSPACE_RESOURCE_ID', 'is not a workspace resource id');
    const deps = responderDeps();
    const reports = await runSlaTick(
      config,
      workspace,
      {
        ...deps,
        notifier: (setting) => {
          const url = process.env[setting];
          return url ? new TeamsWebhook(url) : undefined;
        },
      },
      now(),
    );
    const actions = reports.flatMap((r) => r.actions);
    const count = (outcome: string) => actions.filter((a) => a.outcome === outcome).length;
    context.log(
      `soc-operations: ${reports.length} open incidents, ${reports.filter((r) => r.sla.breaches.length).length} in breach; actions done ${count('done')}, failed ${count('failed')}`,
    );
    if (count('failed'))
      throw new Error(`soc-operations: ${count('failed')} actions failed; the next tick retries them`);
  },
});

timer('soc-operations', socOperationsTimer(Date.now));
