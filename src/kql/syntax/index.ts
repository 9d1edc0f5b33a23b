export {
  type Analysis,
  analyze,
  isScanWithoutMatchId,
  kqlTypeOf,
  lastStatement,
  type QueryDiagnostic,
  referencingNodes,
  resultSchema,
} from './analyze.js';
export { globalStateFor, quoteName } from './globals.js';
export { bridge, kusto, toArray } from './kusto.js';
