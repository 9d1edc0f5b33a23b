import {
  type Alias,
  type Document,
  isAlias,
  isCollection,
  isPair,
  isScalar,
  type Node,
  visit,
  YAMLParseError,
} from 'yaml';

/**
 * Nodes a document may expand to once its aliases are resolved. Rule files have hundreds; a
 * "billion laughs" file (each anchor aliasing the previous one ten times) expands to billions,
 * which toJS would build until memory runs out or throw unpositioned.
 */
export const maxExpandedNodes = 100_000;

/**
 * Records alias problems as positioned parse errors, so every reader reports them instead of
 * crashing when the document is converted to JS:
 * - `*name` without an anchor `&name` (the yaml package parses it silently and throws in toJS);
 * - an alias inside the node it names (infinite expansion);
 * - aliases that expand the document past maxExpandedNodes (an alias bomb). The count is memoized
 *   per node, so the check is linear in the file's size whatever the expansion.
 */
export function reportUnresolvedAliases(document: Document): void {
  const error = (alias: Alias, code: 'BAD_ALIAS', message: string) => {
    const start = alias.range?.[0] ?? 0;
    document.errors.push(new YAMLParseError([start, start + alias.source.length + 1], code, message));
  };
  let unresolved = false;
  visit(document, {
    Alias(_, alias) {
      if (alias.resolve(document) === undefined) {
        unresolved = true;
        error(alias, 'BAD_ALIAS', `unknown alias *${alias.source}: no anchor &${alias.source} before it`);
      }
    },
  });
  if (unresolved) return;

  const sizes = new Map<unknown, number>();
  const expanding = new Set<unknown>();
  let reported = false;
  const size = (node: unknown): number => {
    if (reported || node === null || node === undefined) return 0;
    if (isPair(node)) return size(node.key) + size(node.value);
    if (isScalar(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (isAlias(node)) {
      const target = node.resolve(document) as Node | undefined;
      if (expanding.has(target)) {
        reported = true;
        error(node, 'BAD_ALIAS', `alias *${node.source} is inside the node it names, so it never ends`);
        return 0;
      }
      const total = size(target);
      if (total > maxExpandedNodes && !reported) {
        reported = true;
        error(
          node,
          'BAD_ALIAS',
          `alias *${node.source} expands to more than ${maxExpandedNodes} nodes (an alias bomb?); use fewer nested aliases`,
        );
      }
      sizes.set(node, total);
      return total;
    }
    if (!isCollection(node)) return 1;
    expanding.add(node);
    let total = 1;
    for (const item of node.items) total += size(item);
    expanding.delete(node);
    sizes.set(node, total);
    return total;
  };
  size(document.contents);
}

/**
 * The document as plain JS, after reportUnresolvedAliases found no errors. The yaml package's own
 * guard (maxAliasCount) throws an unpositioned ReferenceError at a few thousand expanded nodes;
 * expansion is bounded by the positioned check above instead.
 */
export function documentToJs(document: Document): unknown {
  return document.toJS({ maxAliasCount: -1 });
}
