import { RE2JS, RE2JSException } from 're2js';
import { EvaluationError, UnsupportedError } from '../values/index.js';

// Kusto uses RE2 syntax and semantics (linear time, no backreferences); user patterns never go to V8.
const cache = new Map<string, RE2JS>();
const CACHE_LIMIT = 1000;

export function compileRegex(pattern: string, flags = 0): RE2JS {
  const key = `${flags}:${pattern}`;
  let re = cache.get(key);
  if (!re) {
    try {
      re = RE2JS.compile(pattern, flags);
    } catch (e) {
      if (e instanceof RE2JSException)
        throw new EvaluationError(`Invalid regular expression '${pattern}': ${e.message}`);
      throw e;
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, re);
  }
  return re;
}

export interface RegexMatch {
  /** Group texts, index 0 = whole match; null for a group that did not participate. */
  groups: (string | null)[];
  start: number;
  end: number;
}

/**
 * All non-overlapping matches, left to right (an empty match advances by one character). An empty
 * match where the previous match ended (`a*` over "baaab" at 4) is where engines part: RE2 itself
 * (its GlobalReplace, and Go's FindAll) skips it, .NET, Java and JavaScript keep it, and the
 * extract_all, replace_regex and countof pages name RE2 syntax but print no such case; the engine
 * kept it. Refused when met: replace_regex("baaab", "a*", "-") is "-b-b-" or "-b--b-".
 */
export function* regexMatches(re: RE2JS, input: string): Generator<RegexMatch> {
  const m = re.matcher(input);
  let from = 0;
  let previousEnd = -1;
  while (from <= input.length && m.find(from)) {
    const groups: (string | null)[] = [];
    for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g));
    const start = m.start();
    const end = m.end();
    if (start === end && start === previousEnd)
      throw new UnsupportedError(
        'an empty regex match right after another match',
        `the regular expression ${JSON.stringify(re.pattern())} matches empty text at offset ${start}, where its previous match ended: RE2 (GlobalReplace, FindAll) skips such a match and .NET keeps it, and no page says which Kusto does; make the pattern match at least one character (a+ for a*)`,
      );
    yield { groups, start, end };
    previousEnd = end;
    from = end === start ? end + 1 : end;
  }
}

export function groupIndex(re: RE2JS, group: number | string): number | undefined {
  if (typeof group === 'number') return group >= 0 && group <= re.groupCount() ? group : undefined;
  return re.namedGroups()[group];
}
