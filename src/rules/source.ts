import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type Scalar,
} from 'yaml';
import type { Diagnostic, Severity } from '../diagnostics.js';
import { reportUnresolvedAliases } from '../yaml.js';
import { scalarSourceMap } from './scalar-map.js';

export type FieldPath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/**
 * A parsed YAML file that remembers where every field came from, so checks can report
 * `file:line:col` for any field path (`['entityMappings', 0, 'fieldMappings', 1, 'columnName']`).
 */
export class YamlSource {
  private readonly mappers = new Map<string, ((offset: number) => Position) | undefined>();

  private constructor(
    readonly file: string,
    readonly text: string,
    readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `text`; YAML errors are left in `document.errors` for the caller to report. */
  static parse(file: string, text: string, options: { prettyErrors?: boolean } = {}): YamlSource {
    const lines = new LineCounter();
    // Source tokens let offsetMapper map offsets inside block and quoted scalars back to the file.
    const document = parseDocument(text, { ...options, lineCounter: lines, keepSourceTokens: true });
    reportUnresolvedAliases(document);
    return new YamlSource(file, text, document, lines);
  }

  /** Position of the value at `path`; for a missing field, the key of the nearest enclosing field. */
  valueAt(path: FieldPath): Position {
    const { node, found } = this.deepest(path);
    if (found) return node ? this.span(node.range) : this.keyAt(path);
    for (let depth = path.length - 1; depth > 0; depth--) {
      if (this.deepest(path.slice(0, depth)).found) return this.keyAt(path.slice(0, depth));
    }
    return { line: 1, column: 1 };
  }

  /** Position of the key of the field at `path` (where unknown and duplicate fields are reported). */
  keyAt(path: FieldPath): Position {
    if (path.length === 0) return { line: 1, column: 1 };
    const parent = this.deepest(path.slice(0, -1));
    const last = path[path.length - 1];
    if (parent.found && isMap(parent.node)) {
      const pair = parent.node.items.find((item) => keyName(item) === String(last));
      if (pair && isScalar(pair.key)) return this.span(pair.key.range);
    }
    if (parent.found && isSeq(parent.node) && typeof last === 'number') {
      return this.span((parent.node.items[last] as Node | undefined)?.range ?? parent.node.range);
    }
    return this.valueAt(path.slice(0, -1));
  }

  /** The scalar node at `path`, e.g. the `query` field. */
  scalarAt(path: FieldPath): Scalar | undefined {
    const { node, found } = this.deepest(path);
    return found && isScalar(node) ? node : undefined;
  }

  /** File position of a character offset inside the string value at `path` (built once per path). */
  offsetMapper(path: FieldPath): ((offset: number) => Position) | undefined {
    const key = path.join('\0');
    if (!this.mappers.has(key)) {
      const node = this.scalarAt(path);
      const map = node && typeof node.value === 'string' ? scalarSourceMap(this.text, node) : undefined;
      this.mappers.set(key, map && ((offset) => this.position(map(offset))));
    }
    return this.mappers.get(key);
  }

  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  diagnostic(
    code: string,
    severity: Severity,
    message: string,
    where: Position = { line: 1, column: 1 },
  ): Diagnostic {
    return { code, severity, message, file: this.file, ...where };
  }

  private span(range: readonly number[] | null | undefined): Position {
    if (!range) return { line: 1, column: 1 };
    const start = this.position(range[0]);
    const end = this.position(range[1]);
    return { ...start, endLine: end.line, endColumn: end.column };
  }

  private deepest(path: FieldPath): { node: Node | null | undefined; found: boolean } {
    let node = this.document.contents as Node | null;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => keyName(item) === String(segment));
        if (!pair) return { node, found: false };
        node = pair.value as Node | null;
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment] as Node | null;
      } else {
        return { node, found: false };
      }
    }
    return { node, found: true };
  }
}

function keyName(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}
