import { UnsupportedError } from '../values/index.js';

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;
const ASTRAL = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const PRIVATE_USE_FIRST = 0xe000;
const PRIVATE_USE_LAST = 0xf8ff;

/**
 * Each character outside the Basic Multilingual Plane replaced by one private-use UTF-16 unit the
 * texts do not hold, so that UTF-16 positions in the copies are code-point positions in the texts.
 */
function narrowAstral(texts: string[]): { narrowed: string[]; widen: (s: string) => string } | null {
  const toUnit = new Map<string, string>();
  const toAstral = new Map<string, string>();
  let next = PRIVATE_USE_FIRST;
  const unitFor = (astral: string): string | null => {
    const known = toUnit.get(astral);
    if (known !== undefined) return known;
    while (next <= PRIVATE_USE_LAST && texts.some((s) => s.includes(String.fromCharCode(next)))) next++;
    if (next > PRIVATE_USE_LAST) return null;
    const unit = String.fromCharCode(next++);
    toUnit.set(astral, unit);
    toAstral.set(unit, astral);
    return unit;
  };
  let exhausted = false;
  const narrowed = texts.map((s) =>
    s.replace(ASTRAL, (astral) => {
      const unit = unitFor(astral);
      if (unit === null) exhausted = true;
      return unit ?? astral;
    }),
  );
  if (exhausted) return null;
  return { narrowed, widen: (s) => [...s].map((c) => toAstral.get(c) ?? c).join('') };
}

const show = (v: string | number | null) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * A position-based string function (substring, indexof, indexof_regex, reverse) counts
 * "characters": strlen's page counts Unicode code points, while the .NET strings Kusto runs on
 * index UTF-16 units, and the pages of these functions print only ASCII. The readings differ only
 * around a character outside the Basic Multilingual Plane (an emoji, a surrogate pair). `run`
 * is the function over UTF-16 units; on such text it runs on the texts as they are and on copies
 * with each such character as one unit (its result mapped back), and a difference is refused.
 */
export function onBothReadings<T extends string | number | null>(
  construct: string,
  texts: string[],
  run: (texts: string[]) => T,
): T {
  if (!texts.some((s) => SURROGATE_PAIR.test(s))) return run(texts);
  const units = run(texts);
  const narrow = narrowAstral(texts);
  const byPoints = narrow ? run(narrow.narrowed) : undefined;
  const points = typeof byPoints === 'string' && narrow ? narrow.widen(byPoints) : byPoints;
  if (points === units) return units;
  throw new UnsupportedError(
    construct,
    `${construct} of text holding a character outside the Basic Multilingual Plane: counting code points (strlen's page) gives ${points === undefined ? 'another answer' : show(points)}, counting UTF-16 units (.NET strings) ${show(units)}; no page says which, so the engine refuses rather than guess`,
  );
}
