import { HttpError } from './http.js';

/**
 * The OData query options an ARM list operation such as Incidents_List takes
 * (https://learn.microsoft.com/rest/api/securityinsights/incidents/list: `$filter`, `$orderby`, `$top`
 * at most 1000, `$skipToken` from a nextLink), over JSON resources addressed by `/` paths
 * (`properties/status`). The subset is what clients write for incidents: comparisons
 * (eq ne gt ge lt le) of a path with a string, number, boolean, null or date-time literal,
 * `contains`/`startswith`/`endswith`, `and`, `or`, `not` and parentheses (OData URL conventions
 * §5.1.1). Anything else is refused with its position rather than ignored: ignoring a filter answers
 * with resources Azure would not return.
 */

type Literal = string | number | boolean | null | { datetime: number };
type Filter =
  | { kind: 'compare'; op: string; path: string[]; value: Literal }
  | { kind: 'call'; fn: string; path: string[]; value: string }
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; operand: Filter };

const MAX_NESTING = 64;
const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);
const TOKEN =
  /\s*(?:(\()|(\))|(,)|('(?:[^']|'')*')|(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))|(-?\d+(?:\.\d+)?)|([A-Za-z_][\w/]*))/y;

interface Token {
  text: string;
  at: number;
  kind: 'open' | 'close' | 'comma' | 'string' | 'datetime' | 'number' | 'word';
}

function tokenize(text: string, option: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) {
      if (text.slice(at).trim() === '') break;
      throw refusal(option, text, at, 'an unexpected character');
    }
    const kinds = ['open', 'close', 'comma', 'string', 'datetime', 'number', 'word'] as const;
    const index = m.slice(1).findIndex((group) => group !== undefined);
    tokens.push({ text: m[index + 1], at: at + m[0].length - m[index + 1].length, kind: kinds[index] });
  }
  return tokens;
}

function refusal(option: string, text: string, at: number, what: string): HttpError {
  return new HttpError(
    400,
    'BadRequest',
    `${option} ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}: ${what} at position ${at + 1}; ` +
      'the local SecurityInsights API takes ' +
      'comparisons (eq ne gt ge lt le), contains/startswith/endswith, and/or/not and parentheses',
  );
}

/** Parses `$filter`; throws a 400 naming the unsupported part and its position. */
export function parseODataFilter(text: string): Filter {
  const tokens = tokenize(text, '$filter');
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string) => refusal('$filter', text, peek()?.at ?? text.length, what);
  const expect = (kind: Token['kind']) => {
    if (peek()?.kind !== kind)
      throw fail(`expected ${kind === 'open' ? "'('" : kind === 'close' ? "')'" : kind}`);
    return tokens[i++];
  };
  const literal = (): Literal => {
    const token = peek();
    if (!token) throw fail('expected a value');
    i++;
    if (token.kind === 'string') return token.text.slice(1, -1).replaceAll("''", "'");
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'datetime') {
      const ms = Date.parse(token.text);
      if (Number.isNaN(ms)) throw refusal('$filter', text, token.at, 'an invalid date-time');
      return { datetime: ms };
    }
    if (token.kind === 'word' && ['true', 'false', 'null'].includes(token.text)) {
      return token.text === 'null' ? null : token.text === 'true';
    }
    i--;
    throw fail('expected a literal value');
  };
  const path = (): string[] => {
    const token = peek();
    if (token?.kind !== 'word' || FUNCTIONS.has(token.text) || ['and', 'or', 'not'].includes(token.text)) {
      throw fail('expected a property path');
    }
    i++;
    return token.text.split('/');
  };
  let depth = 0;
  const nested = <T>(parse: () => T): T => {
    // Parentheses and `not` recurse; a hostile filter must get a 400, not exhaust the stack.
    if (++depth > MAX_NESTING) throw fail(`more than ${MAX_NESTING} nested parentheses or nots`);
    const result = parse();
    depth--;
    return result;
  };
  const primary = (): Filter => {
    const token = peek();
    if (token?.kind === 'open') {
      i++;
      const inner = nested(disjunction);
      expect('close');
      return inner;
    }
    if (token?.kind === 'word' && token.text === 'not') {
      i++;
      return { kind: 'not', operand: nested(primary) };
    }
    if (token?.kind === 'word' && FUNCTIONS.has(token.text) && tokens[i + 1]?.kind === 'open') {
      i += 2;
      const target = path();
      expect('comma');
      const value = literal();
      if (typeof value !== 'string') throw fail(`${token.text} takes a string`);
      expect('close');
      return { kind: 'call', fn: token.text, path: target, value };
    }
    const target = path();
    const op = peek();
    if (op?.kind !== 'word' || !COMPARISONS.has(op.text)) throw fail('expected a comparison operator');
    i++;
    return { kind: 'compare', op: op.text, path: target, value: literal() };
  };
  /** Operands joined left to right by `and` or `or`. */
  const joined = (kind: 'and' | 'or', operand: () => Filter) => (): Filter => {
    let left = operand();
    while (peek()?.kind === 'word' && peek().text === kind) {
      i++;
      left = { kind, left, right: operand() };
    }
    return left;
  };
  const conjunction = joined('and', primary);
  const disjunction = joined('or', conjunction);
  const filter = disjunction();
  if (i < tokens.length) throw fail('unexpected text');
  return filter;
}

function valueAt(resource: unknown, path: string[]): unknown {
  let value = resource;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

function compare(op: string, actual: unknown, literal: Literal): boolean {
  if (literal !== null && typeof literal === 'object') {
    const ms = typeof actual === 'string' ? Date.parse(actual) : Number.NaN;
    return !Number.isNaN(ms) && ordered(op, ms, literal.datetime);
  }
  if (op === 'eq') return (actual ?? null) === literal;
  if (op === 'ne') return (actual ?? null) !== literal;
  if (literal === null || typeof actual !== typeof literal) return false;
  return ordered(op, actual as string | number | boolean, literal);
}

function ordered<T extends string | number | boolean>(op: string, a: T, b: T): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    default:
      return a <= b;
  }
}

export function matchesFilter(resource: unknown, filter: Filter): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesFilter(resource, filter.left) && matchesFilter(resource, filter.right);
    case 'or':
      return matchesFilter(resource, filter.left) || matchesFilter(resource, filter.right);
    case 'not':
      return !matchesFilter(resource, filter.operand);
    case 'call': {
      const actual = valueAt(resource, filter.path);
      if (typeof actual !== 'string') return false;
      if (filter.fn === 'contains') return actual.includes(filter.value);
      return filter.fn === 'startswith' ? actual.startsWith(filter.value) : actual.endsWith(filter.value);
    }
    case 'compare':
      return compare(filter.op, valueAt(resource, filter.path), filter.value);
  }
}

/** Parses `$orderby` (`path [asc|desc], ...`) into a comparator; stable for equal keys. */
export function parseODataOrderBy(text: string): (a: unknown, b: unknown) => number {
  const keys = text.split(',').map((part, index) => {
    const words = part.trim().split(/\s+/);
    const direction = words[1]?.toLowerCase() ?? 'asc';
    if (
      words.length > 2 ||
      !/^[A-Za-z_][\w/]*$/.test(words[0] ?? '') ||
      !['asc', 'desc'].includes(direction)
    ) {
      throw new HttpError(
        400,
        'BadRequest',
        `$orderby ${JSON.stringify(text)}: item ${index + 1} is not 'path [asc|desc]'`,
      );
    }
    return { path: words[0].split('/'), sign: direction === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { path, sign } of keys) {
      const x = valueAt(a, path);
      const y = valueAt(b, path);
      if (x === y) continue;
      // "null values come before non-null values when sorting in ascending order" (OData 4.01 URL
      // conventions, $orderby).
      if (x === undefined || x === null) return -sign;
      if (y === undefined || y === null) return sign;
      return (x < y ? -1 : 1) * sign;
    }
    return 0;
  };
}
