/**
 * The JSONPath subset CCF declarations use in practice (eventsJsonPaths, nextPageTokenJsonPath,
 * hasNextFlagJsonPath, …): `$`, `.name`, `['name']`, `[n]`, `[*]` / `.*` and slices `[a:b]`.
 * Filters (`[?(…)]`), recursive descent (`..`) and unions are refused when the declaration is
 * checked, so the local poller never answers with a different selection than the CCF would.
 * https://learn.microsoft.com/azure/sentinel/data-connector-connection-rules-reference#response-configuration
 */
export type Step =
  | { kind: 'name'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'slice'; start?: number; end?: number };

export class JsonPathError extends Error {
  constructor(
    message: string,
    /** Character offset in the path text. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonPathError';
  }
}

export function parseJsonPath(text: string): Step[] {
  if (!text.startsWith('$')) throw new JsonPathError("a JSONPath starts with '$' (the response root)", 0);
  const steps: Step[] = [];
  let i = 1;
  const integer = /^-?\d+/;
  while (i < text.length) {
    if (text.startsWith('..', i)) throw new JsonPathError("recursive descent '..' is not supported", i);
    if (text[i] === '.') {
      const match = /^(\*|[A-Za-z_@$][\w@$-]*)/.exec(text.slice(i + 1));
      if (!match) throw new JsonPathError("expected a property name after '.'", i);
      steps.push(match[1] === '*' ? { kind: 'all' } : { kind: 'name', name: match[1] });
      i += 1 + match[1].length;
      continue;
    }
    if (text[i] !== '[') throw new JsonPathError(`unexpected '${text[i]}'`, i);
    const close = text.indexOf(']', i);
    if (close < 0) throw new JsonPathError("missing ']'", i);
    const inner = text.slice(i + 1, close).trim();
    const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(inner);
    if (quoted) steps.push({ kind: 'name', name: quoted[1] ?? quoted[2] });
    else if (inner === '*') steps.push({ kind: 'all' });
    else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
    else if (/^(-?\d+)?:(-?\d+)?$/.test(inner)) {
      const [start, end] = inner.split(':');
      steps.push({
        kind: 'slice',
        start: integer.test(start) ? Number(start) : undefined,
        end: integer.test(end) ? Number(end) : undefined,
      });
    } else {
      throw new JsonPathError(`'[${inner}]' is not supported (filters and unions are not)`, i);
    }
    i = close + 1;
  }
  return steps;
}

/**
 * Every value the path selects. A negative index outside the array selects nothing here, where the
 * CCF fails the poll with "Index was out of range" (Azure/Azure-Sentinel#14737): the declaration
 * check refuses `[-1]` in paging paths for that reason.
 */
export function selectJsonPath(value: unknown, steps: readonly Step[]): unknown[] {
  let current: unknown[] = [value];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const item of current) {
      if (step.kind === 'name') {
        if (item !== null && typeof item === 'object' && !Array.isArray(item) && step.name in item)
          next.push((item as Record<string, unknown>)[step.name]);
      } else if (!Array.isArray(item)) {
        if (step.kind === 'all' && item !== null && typeof item === 'object')
          next.push(...Object.values(item));
      } else if (step.kind === 'all') next.push(...item);
      else if (step.kind === 'index') {
        const at = step.index < 0 ? item.length + step.index : step.index;
        if (at >= 0 && at < item.length) next.push(item[at]);
      } else next.push(...item.slice(step.start, step.end));
    }
    current = next;
  }
  return current;
}

/** The first selected value, for single-valued paths (tokens, flags, counts). */
export function firstJsonPath(value: unknown, steps: readonly Step[]): unknown {
  return selectJsonPath(value, steps)[0];
}
