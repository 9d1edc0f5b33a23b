import type { Scalar } from 'yaml';

/**
 * Maps character offsets inside a YAML scalar's value back to offsets in the file, so a KQL
 * diagnostic at offset N of `query` lands on the file position the author sees. The value is
 * rebuilt from the source with YAML's own rules (indentation stripping, line folding, escapes,
 * chomping) while recording where each character came from; if the rebuilt text disagrees with the
 * parser's value (a construct this code does not model), every offset maps to the scalar's start
 * rather than to a wrong place.
 */
export function scalarSourceMap(source: string, node: Scalar): (offset: number) => number {
  const [start, valueEnd] = node.range ?? [0, 0, 0];
  const value = String(node.value);
  const built = isBlock(node)
    ? rebuildBlock(source, start, valueEnd, blockIndent(node), node.type === 'BLOCK_FOLDED')
    : rebuildFlow(source, start, valueEnd, node.type);
  const exact = isBlock(node) ? value.startsWith(built.text) : value === built.text;
  if (!exact) return () => start;
  const end = built.offsets.length > 0 ? built.offsets[built.offsets.length - 1] + 1 : start;
  return (offset) => (offset < built.offsets.length ? built.offsets[Math.max(0, offset)] : end);
}

interface Rebuilt {
  text: string;
  offsets: number[];
}

function isBlock(node: Scalar): boolean {
  return node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
}

/** Indentation of the enclosing collection, from the source token (needs `keepSourceTokens`). */
function blockIndent(node: Scalar): number {
  return (node.srcToken as { indent?: number } | undefined)?.indent ?? 0;
}

function rebuilder(): Rebuilt & { push(text: string, at: number): void } {
  const result = {
    text: '',
    offsets: [] as number[],
    push(text: string, at: number) {
      result.text += text;
      for (let i = 0; i < text.length; i++) result.offsets.push(at);
    },
  };
  return result;
}

function rebuildBlock(source: string, start: number, end: number, parentIndent: number, folded: boolean) {
  const out = rebuilder();
  const headerEnd = source.indexOf('\n', start);
  if (headerEnd < 0 || headerEnd >= end) return out;
  const explicit = /^[|>][+-]?([1-9])?/.exec(source.slice(start, headerEnd))?.[1];
  const lines: { at: number; text: string }[] = [];
  for (let at = headerEnd + 1; at < end; ) {
    const next = source.indexOf('\n', at);
    const stop = next < 0 || next > end ? end : next;
    lines.push({ at, text: source.slice(at, stop).replace(/\r$/, '') });
    at = stop + 1;
  }
  const firstContent = lines.find((line) => line.text.trim() !== '');
  const indent = explicit
    ? parentIndent + Number(explicit)
    : (firstContent?.text.match(/^ */)?.[0].length ?? 0);

  let previous: 'none' | 'normal' | 'more' = 'none';
  let emptyBreaks: number[] = [];
  for (const line of lines) {
    const content = line.text.length > indent ? line.text.slice(indent) : '';
    if (content === '') {
      emptyBreaks.push(line.at);
      continue;
    }
    const kind = /^[ \t]/.test(content) ? 'more' : 'normal';
    if (previous !== 'none') {
      const foldable = folded && previous === 'normal' && kind === 'normal';
      if (foldable && emptyBreaks.length === 0) out.push(' ', line.at - 1);
      else {
        if (!foldable) out.push('\n', line.at - 1);
        for (const at of emptyBreaks) out.push('\n', at);
      }
    } else {
      for (const at of emptyBreaks) out.push('\n', at);
    }
    for (let i = 0; i < content.length; i++) out.push(content[i], line.at + indent + i);
    previous = kind;
    emptyBreaks = [];
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPE_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

function rebuildFlow(source: string, start: number, end: number, type: Scalar['type']): Rebuilt {
  const out = rebuilder();
  const quoted = type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE';
  // Whitespace before a line break is dropped when folding, unless it came from an escape.
  let foldableTail = 0;
  let i = quoted ? start + 1 : start;
  const stop = quoted ? end - 1 : end;
  const emit = (text: string, at: number, literal: boolean) => {
    out.push(text, at);
    foldableTail = literal && /^[ \t]$/.test(text) ? foldableTail + 1 : 0;
  };
  while (i < stop) {
    const ch = source[i];
    if (ch === '\n' || ch === '\r') {
      out.text = out.text.slice(0, out.text.length - foldableTail);
      out.offsets.length -= foldableTail;
      i = fold(source, i, stop, out);
      foldableTail = 0;
      continue;
    }
    if (type === 'QUOTE_DOUBLE' && ch === '\\') {
      const next = source[i + 1];
      if (next === '\n' || next === '\r') {
        i = skipLineBreak(source, i + 1);
        while (source[i] === ' ' || source[i] === '\t') i++;
        foldableTail = 0;
        continue;
      }
      const hexLength = HEX_ESCAPE_LENGTH[next];
      if (hexLength) {
        emit(String.fromCodePoint(Number.parseInt(source.slice(i + 2, i + 2 + hexLength), 16)), i, false);
        i += 2 + hexLength;
      } else {
        emit(SIMPLE_ESCAPES[next] ?? next, i, false);
        i += 2;
      }
      continue;
    }
    if (type === 'QUOTE_SINGLE' && ch === "'" && source[i + 1] === "'") {
      emit("'", i, false);
      i += 2;
      continue;
    }
    emit(ch, i, true);
    i++;
  }
  return out;
}

/** Folds a line break inside a flow scalar: one break becomes a space, n empty lines become n newlines. */
function fold(source: string, at: number, stop: number, out: ReturnType<typeof rebuilder>): number {
  let i = skipLineBreak(source, at);
  const breaks: number[] = [];
  for (;;) {
    while (i < stop && (source[i] === ' ' || source[i] === '\t')) i++;
    if (source[i] !== '\n' && source[i] !== '\r') break;
    breaks.push(i);
    i = skipLineBreak(source, i);
  }
  if (breaks.length === 0) out.push(' ', at);
  else for (const position of breaks) out.push('\n', position);
  return i;
}

function skipLineBreak(source: string, i: number): number {
  if (source[i] === '\r' && source[i + 1] === '\n') return i + 2;
  return i + 1;
}
