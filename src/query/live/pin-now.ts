import { formatDateTime } from '../../kql/values/index.js';

/**
 * Rewrites `now()`, `now(offset)` and `ago(span)` into constants relative to the evaluation time
 * `at`, so that a query sent to a live workspace evaluates as the scheduled run at `at` would,
 * whatever the wall clock says. String literals and comments are left untouched.
 */
export function pinNow(query: string, at: bigint): string {
  const anchor = `datetime(${formatDateTime(at)})`;
  let out = '';
  let i = 0;
  while (i < query.length) {
    const skip = skipLiteral(query, i);
    if (skip > i) {
      out += query.slice(i, skip);
      i = skip;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(i, i + 64));
    if (!ident) {
      out += query[i++];
      continue;
    }
    const name = ident[0];
    const after = i + name.length;
    const open = nextNonSpace(query, after);
    const isCall =
      (name === 'now' || name === 'ago') && query[open] === '(' && previousNonSpace(query, i) !== '.';
    if (!isCall) {
      out += name;
      i = after;
      continue;
    }
    const close = matchingParen(query, open);
    if (close < 0) {
      out += query.slice(i);
      break;
    }
    const argument = pinNow(query.slice(open + 1, close), at).trim();
    if (name === 'now') out += argument ? `(${anchor} + (${argument}))` : anchor;
    else out += `(${anchor} - (${argument}))`;
    i = close + 1;
  }
  return out;
}

/** End of the string literal or comment starting at `i`, or `i` when none starts there. */
function skipLiteral(text: string, i: number): number {
  if (text.startsWith('//', i)) {
    const end = text.indexOf('\n', i);
    return end < 0 ? text.length : end;
  }
  if (text.startsWith('```', i)) {
    const end = text.indexOf('```', i + 3);
    return end < 0 ? text.length : end + 3;
  }
  const verbatim = text[i] === '@' && (text[i + 1] === '"' || text[i + 1] === "'");
  const start = verbatim ? i + 1 : i;
  const quote = text[start];
  if (quote !== '"' && quote !== "'") return i;
  let j = start + 1;
  while (j < text.length) {
    if (!verbatim && text[j] === '\\') {
      j += 2;
      continue;
    }
    if (text[j] === quote) {
      // In verbatim literals a doubled quote stands for one quote character.
      if (verbatim && text[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return text.length;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const skip = skipLiteral(text, i);
    if (skip > i) {
      i = skip;
      continue;
    }
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
    i++;
  }
  return -1;
}

function nextNonSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

function previousNonSpace(text: string, i: number): string | undefined {
  let j = i - 1;
  while (j >= 0 && /\s/.test(text[j])) j--;
  return text[j];
}
