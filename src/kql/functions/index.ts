import { arrayFunctions } from './arrays.js';
import { conversionFunctions } from './conversion.js';
import { datetimeFunctions } from './datetime.js';
import { dynamicFunctions } from './dynamic.js';
import { ipFunctions } from './ip.js';
import { ipTextFunctions } from './ipText.js';
import { logicFunctions } from './logic.js';
import { mathFunctions } from './math.js';
import { seriesFunctions } from './series.js';
import { stringFunctions } from './strings.js';
import type { FunctionTable, ScalarImpl } from './types.js';

export { dynamicElement } from './dynamic.js';
export { binaryOperator, type Operand, operatorWithConstants, unaryOperator } from './operators.js';
export { checkSeriesCall } from './series.js';
export type { EvalContext, ScalarImpl } from './types.js';

const tables: FunctionTable[] = [
  arrayFunctions,
  conversionFunctions,
  datetimeFunctions,
  dynamicFunctions,
  ipFunctions,
  ipTextFunctions,
  logicFunctions,
  mathFunctions,
  seriesFunctions,
  stringFunctions,
];

/** Scalar functions by lower-case Kusto function name. */
export const scalarFunctions: Map<string, ScalarImpl> = new Map(
  tables.flatMap((t) => Object.entries(t)).map(([name, impl]) => [name.toLowerCase(), impl]),
);
