/**
 * JSON integers beyond 2^53. Kusto's JSON parser keeps an integer as a 64-bit long; JavaScript's
 * JSON.parse rounds one beyond 2^53 to the nearest double, silently. A text holding such an
 * integer is refused instead (JSON.parse in Node 20 gives a reviver no source text to keep it).
 */
import { UnsupportedError } from '../values/index.js';

/** The first integer token outside strings beyond 2^53, if any. */
function inexactInteger(text: string): string | undefined {
  if (!/\d{16}/.test(text)) return undefined;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if (c !== '-' && (c < '0' || c > '9')) continue;
    let j = i + 1;
    while (j < text.length && /[0-9.eE+-]/.test(text[j])) j++;
    const token = text.slice(i, j);
    i = j - 1;
    if (!/^-?\d{16,}$/.test(token)) continue;
    // Even one a double holds exactly prints rounded (2^60 as 1152921504606847000).
    if (!Number.isSafeInteger(Number(token))) return token;
  }
  return undefined;
}

/** Refuses a JSON text JSON.parse has rounded an integer of (see above). */
export function refuseInexactIntegers(text: string, fn: string): void {
  const token = inexactInteger(text);
  if (token !== undefined)
    throw new UnsupportedError(
      `${fn}() of an integer beyond 2^53`,
      `${fn}(): the JSON integer ${token} is beyond 2^53, which the engine cannot hold exactly`,
    );
}
