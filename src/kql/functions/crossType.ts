import { isBag, type KqlType, UnsupportedError, type Value } from '../values/index.js';

const NUMBERS: ReadonlySet<KqlType> = new Set(['int', 'long', 'real', 'decimal']);

/**
 * Types `==` compares by one documented rule: numbers with numbers (the numerical operators page:
 * `==` between pairs of int, long and real), each other type with itself. A bool is not a number
 * there: the bool page writes true (1) and false (0) but lists `==` only between bools.
 */
function family(t: KqlType): string {
  return NUMBERS.has(t) ? 'number' : t;
}

/** The conversion that gives a value of type `t` one type with a string (the function to write). */
const FROM_STRING: Partial<Record<KqlType, string>> = {
  int: 'toint',
  long: 'tolong',
  real: 'toreal',
  decimal: 'todecimal',
  bool: 'tobool',
  datetime: 'todatetime',
  timespan: 'totimespan',
  guid: 'toguid',
};

/**
 * The rewrite a refusal names: between a string and another type, compare text with text (the
 * other side through tostring(), or a number written as a string literal, `ResultType == "0"`) or
 * convert the string (`tolong(ResultType) == 0`); otherwise convert one side to the other's type.
 */
function rewrite(left: KqlType, right: KqlType): string {
  if ((left === 'bool' && NUMBERS.has(right)) || (right === 'bool' && NUMBERS.has(left)))
    return 'compare the bool with true or false (Flag == true for Flag == 1)';
  const other = left === 'string' ? right : right === 'string' ? left : undefined;
  const convert = other && FROM_STRING[other];
  if (other && convert) {
    const text = NUMBERS.has(other)
      ? `write the number as a string literal (ResultType == "0" for ResultType == 0) or tostring() it`
      : `tostring() the ${other} side`;
    return `compare text with text (${text}) or convert the string side with ${convert}()`;
  }
  return `convert one side (tostring(), tobool(), tolong(), todatetime()...) so both have one type`;
}

/**
 * `==`, `!=`, `in` and `!in` between a string and a non-string (`ipv4_is_private(ip) == 'False'`,
 * `PortNumber in ('80', '443')`, SigninLogs' string `ResultType == 0` in published Entra ID rules), or
 * between datetime, timespan or guid and another type: Kusto.Language binds any scalar on the right
 * (its Equal and NotEqual signatures take `ParameterTypeKind.Scalar` and name no conversion), and no
 * page found says whether the service converts one side, answers false, or fails (session 9 read the
 * comparison, `in`, string operator and data type pages; "Cannot compare values of types …" is what
 * it reports for `<` and `>`), so a row that reaches such a comparison is refused, naming the rewrite,
 * rather than answered. Dynamic values convert towards the other side (compare.ts).
 */
export function refuseCrossTypeEquality(operator: string, left: KqlType, right: KqlType): void {
  if (left === 'dynamic' && right === 'dynamic' && (operator === '==' || operator === '!='))
    throw new UnsupportedError(
      `${operator} between two dynamic values`,
      `${operator} between two dynamic values: the service fails with "Cannot compare dynamic values without explicit cast" (MicrosoftDocs/dataexplorer-docs issue 43, whose extract_all() example compared with dynamic([...]) and was corrected), and no page says what it answers; tostring() both sides to compare their JSON text, or convert each side to the scalar type meant (tostring(d.a) == tostring(e.a), tolong(d.n) == tolong(e.n))`,
    );
  if (left === 'dynamic' || right === 'dynamic' || family(left) === family(right)) return;
  throw new UnsupportedError(
    `${operator} between ${left} and ${right}`,
    `${operator} between ${left} and ${right} values: Kusto.Language accepts it, but what the service ` +
      `answers (a conversion, false, or an error) is not documented; ${rewrite(left, right)}`,
  );
}

/**
 * An array or property bag against a non-dynamic value (`dynamic([1,2]) == "[1,2]"`): the dynamic
 * page says nothing of how a container compares with a scalar (the engine compared its JSON text), so
 * a row holding one is refused. A dynamic scalar against a scalar converts towards it (compare.ts).
 */
export function refuseContainerEquality(
  operator: string,
  a: Value,
  ta: KqlType,
  b: Value,
  tb: KqlType,
): void {
  const container = (v: Value, t: KqlType) => t === 'dynamic' && (Array.isArray(v) || isBag(v));
  const side = container(a, ta) ? tb : container(b, tb) ? ta : undefined;
  if (side === undefined || side === 'dynamic') return;
  throw new UnsupportedError(
    `${operator} between a dynamic array or property bag and a ${side}`,
    `${operator} between a dynamic array or property bag and a ${side} value: no page says how a container compares with a scalar; tostring() the dynamic side to compare its JSON text, or compare an element (d[0], d.key)`,
  );
}
