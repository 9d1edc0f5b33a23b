import { type Document, visit, YAMLParseError } from 'yaml';

/**
 * The yaml package parses `*name` without an anchor `&name` silently and only throws when the
 * document is converted to JS; recording it as a parse error lets every reader report it with its
 * position instead of crashing.
 */
export function reportUnresolvedAliases(document: Document): void {
  visit(document, {
    Alias(_, alias) {
      if (alias.resolve(document) === undefined) {
        const start = alias.range?.[0] ?? 0;
        document.errors.push(
          new YAMLParseError(
            [start, start + alias.source.length + 1],
            'BAD_ALIAS',
            `unknown alias *${alias.source}: no anchor &${alias.source} before it`,
          ),
        );
      }
    },
  });
}
