export { type Alert, type AlertSeverity, buildAlerts, MAX_DETAILS_BYTES, triggers } from './alerts.js';
export {
  type Entity,
  entityKey,
  extractEntities,
  MAX_ENTITIES_BYTES,
  MAX_ENTITIES_PER_ALERT,
  securityAlertEntities,
} from './entities.js';
export { groupKey, type Incident, IncidentGrouper, MAX_ALERTS_PER_INCIDENT } from './incidents.js';
export { type RuleData, RuleSimulation, type RunResult, type SimulationState } from './run.js';
export { type IncidentSettings, type RunSettings, runSettings } from './settings.js';
export { ALTERNATIVE_SEMANTICS, DEFAULT_SEMANTICS, type UndocumentedSemantics } from './undocumented.js';
export {
  type IndexedTable,
  indexTable,
  type QueryWindow,
  queryWindow,
  rowTable,
  sliceTable,
  type WindowTable,
} from './window.js';
