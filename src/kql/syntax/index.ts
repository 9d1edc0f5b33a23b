export { type Analysis, analyze, kqlTypeOf, type QueryDiagnostic, resultSchema } from './analyze.js';
export { globalStateFor, quoteName } from './globals.js';
export { bridge, kusto, toArray } from './kusto.js';
