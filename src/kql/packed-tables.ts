import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import type { TableSchema } from './catalog.js';

/** The folder of the built-in catalog (`catalog/`, written by scripts/import-catalog.ts). */
export function builtinCatalogDir(root = packageRoot()): string {
  return join(root, 'catalog');
}

const NAME_PREFIX = /^\{"name":("(?:[^"\\]|\\.)*")/;

/**
 * Table schemas packed one JSON object per line, name first. Opening reads the file and indexes
 * line by name; a line is parsed only when its table is asked for, so ~900 tables cost a query
 * only the few it names.
 */
export class PackedTables {
  private readonly parsed = new Map<string, TableSchema>();

  private constructor(
    private readonly lines: Map<string, string>,
    private readonly file: string,
    private readonly complete: (table: TableSchema) => TableSchema,
  ) {}

  /**
   * `exclude`: names not to serve (parser-output stubs hidden by a real parser of that name);
   * `complete`: a rule every table of the file obeys that its lines may not spell out.
   */
  static open(
    path: string,
    file: string,
    exclude: ReadonlySet<string> = new Set(),
    complete: (table: TableSchema) => TableSchema = (table) => table,
  ): PackedTables {
    const lines = new Map<string, string>();
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const match = NAME_PREFIX.exec(line);
      if (!match) continue;
      const name = JSON.parse(match[1]) as string;
      if (!exclude.has(name)) lines.set(name, line);
    }
    return new PackedTables(lines, file, complete);
  }

  has(name: string): boolean {
    return this.lines.has(name);
  }

  names(): IterableIterator<string> {
    return this.lines.keys();
  }

  get(name: string): TableSchema | undefined {
    let table = this.parsed.get(name);
    if (!table) {
      const line = this.lines.get(name);
      if (line === undefined) return undefined;
      table = this.complete({ ...(JSON.parse(line) as TableSchema), file: this.file });
      this.parsed.set(name, table);
    }
    return table;
  }
}

/** Every table of a packed file, parsed (for the import script and tests). */
export function readPackedFile(path: string): Map<string, TableSchema> {
  const packed = PackedTables.open(path, path);
  return new Map([...packed.names()].map((name) => [name, packed.get(name) as TableSchema]));
}
