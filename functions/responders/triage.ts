import { app } from '@azure/functions';
import { parseTriagePlan, triageIncident } from '../../src/responders/triage.js';
import { defineResponder } from './shared.js';

/** The plan comes from the relay body's `triage` property, else from the RESPONDER_TRIAGE_PLAN setting (JSON). */
export const triageFunction = defineResponder('triage', async (incident, deps, body) => {
  const fromSetting = deps.settings.RESPONDER_TRIAGE_PLAN;
  let source: unknown = body.triage;
  if (source === undefined && fromSetting) {
    try {
      source = JSON.parse(fromSetting);
    } catch {
      return [{ code: 'RSP004', severity: 'error', message: 'RESPONDER_TRIAGE_PLAN is not valid JSON' }];
    }
  }
  const { plan, diagnostics } = parseTriagePlan(source ?? {});
  return plan ? triageIncident(incident, deps, plan) : diagnostics;
});

app.http('responder-triage', triageFunction);
