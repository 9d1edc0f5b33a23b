import { type KqlType, UnsupportedError } from '../values/index.js';

const NUMBERS: ReadonlySet<KqlType> = new Set(['int', 'long', 'real', 'decimal']);

/** Types `==` compares by one rule: numbers with numbers (and bools, as numbers), each other type with itself. */
function family(t: KqlType): string {
  return NUMBERS.has(t) || t === 'bool' ? 'number' : t;
}

/**
 * `==`, `!=`, `in` and `!in` between a string and a non-string (`ipv4_is_private(ip) == 'False'`,
 * `PortNumber in ('80', '443')`), or between datetime, timespan or guid and another type:
 * Kusto.Language binds any scalar on the right (its Equal signature takes `ParameterTypeKind.Scalar`),
 * but no page says whether the service converts one side, answers false, or fails ("Cannot compare
 * values of types …" is what it reports for `<` and `>`), so a row that reaches such a comparison is
 * refused rather than answered false. Dynamic values convert towards the other side (compare.ts).
 */
export function refuseCrossTypeEquality(operator: string, left: KqlType, right: KqlType): void {
  if (left === 'dynamic' || right === 'dynamic' || family(left) === family(right)) return;
  throw new UnsupportedError(
    `${operator} between ${left} and ${right}`,
    `${operator} between ${left} and ${right} values: Kusto.Language accepts it, but what the service ` +
      `answers (a conversion, false, or an error) is not documented; convert one side (tostring(), ` +
      `tobool(), toint(), todatetime()...) so both have one type`,
  );
}
