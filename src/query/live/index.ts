export { datatableExpression, datatableLet, valueLiteral } from './datatable.js';
export { pinNow } from './pin-now.js';
export { injectFixtures, type LiveTestOptions, runLiveRuleTests } from './runner.js';
export {
  type LiveErrorKind,
  LiveQueryError,
  LiveWorkspace,
  type LiveWorkspaceOptions,
  toEngineTable,
} from './workspace.js';
