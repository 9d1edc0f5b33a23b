import { parseTriagePlan, triageIncident } from '../../src/responders/triage.js';
import { http } from '../register.js';
import { defineResponder, SettingError } from './shared.js';

/** The plan comes from the relay body's `triage` property, else from the RESPONDER_TRIAGE_PLAN setting (JSON). */
export const triageFunction = defineResponder('triage', async (incident, deps, body) => {
  const fromSetting = deps.settings.RESPONDER_TRIAGE_PLAN;
  let source: unknown = body.triage;
  if (source === undefined && fromSetting) {
    try {
      source = JSON.parse(fromSetting);
    } catch {
      throw new SettingError('RESPONDER_TRIAGE_PLAN', 'is not valid JSON');
    }
  }
  const { plan, diagnostics } = parseTriagePlan(source ?? {});
  return plan ? triageIncident(incident, deps, plan) : diagnostics;
});

http('responder-triage', triageFunction);
