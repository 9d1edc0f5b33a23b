import { UnsupportedError } from '../values/index.js';

/**
 * tolower()/toupper() of a string. JavaScript's toLowerCase/toUpperCase apply Unicode's special and
 * context-dependent casing ('ß' -> 'SS', 'İ' -> 'i̇', a word-final 'Σ' -> 'ς'), which maps a character
 * to several or depends on its neighbours; a per-character mapping (as .NET's invariant casing does)
 * gives 'ß', 'i', 'σ'. The tolower/toupper pages print only ASCII examples, so the engine answers when
 * the two readings agree and refuses the value otherwise.
 */
export function mapCase(s: string, upper: boolean): string {
  const whole = upper ? s.toUpperCase() : s.toLowerCase();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  if (!/[^\x00-\x7f]/.test(s)) return whole;
  const perCharacter = [...s].map((c) => (upper ? c.toUpperCase() : c.toLowerCase()));
  const changedLength = perCharacter.some((c) => [...c].length !== 1);
  if (changedLength || perCharacter.join('') !== whole) {
    const name = upper ? 'toupper()' : 'tolower()';
    throw new UnsupportedError(
      name,
      `${name} of ${JSON.stringify(s.slice(0, 40))}: a character has no one-to-one case mapping (special or context-dependent casing), which Kusto's pages do not describe`,
    );
  }
  return whole;
}
