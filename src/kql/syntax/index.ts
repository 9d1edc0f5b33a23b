export {
  type Analysis,
  analyze,
  isScanWithoutMatchId,
  kqlTypeOf,
  lastStatement,
  phantomInResult,
  type QueryDiagnostic,
  referencingNodes,
  resultSchema,
  scanPhantomMatchId,
} from './analyze.js';
export { globalStateFor, quoteName } from './globals.js';
export { bridge, kusto, toArray } from './kusto.js';
