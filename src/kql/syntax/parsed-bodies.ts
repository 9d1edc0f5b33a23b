/**
 * Database function bodies parsed once per text. Kusto.Language binds every call of a database
 * function (a parser: ASIM's unifying `_Im_*` and each `vim*` leg they union) on a fresh syntax tree
 * of its body, and `Binder.GetUnboundBody` (Binder.cs) makes that tree by parsing the body's text
 * (`QueryParser.ParseFunctionBody(GetFunctionBodyText(signature))`) every time: twice per leg for
 * a rule calling `_Im_NetworkSession` (its declaration is bound for the function's facts, its call
 * site again), and again when `validate` asks for the tables read. Parsing was ~28% of binding such
 * a rule (CPU profile, NOTES "Issue 12, session 12b"). A local function's body (`signature.Declaration`)
 * is already handed out as `Declaration.Clone()`; here a database function's is too: the text is
 * parsed once into a tree that is never bound, and each call gets a clone of it (syntax and its
 * diagnostics, as `Clone()` copies them; no semantic info, as the tree never had any).
 * Keyed by the exact body text, so a changed body is parsed anew (never a stale tree); entity
 * groups and local functions go to the original. test/kql/syntax/parsed-bodies.test.ts.
 */
export function parseBodiesOnce(
  kusto: any,
  replace: (owner: object, name: string, fast: PropertyDescriptor) => void,
): void {
  const { Binder } = kusto.Binding;
  const { EntityGroupSymbol } = kusto.Symbols;
  const { QueryParser } = kusto.Parsing;
  const original = Binder.GetUnboundBody;
  const parsed = new Map<string, any>();
  replace(Binder, 'GetUnboundBody', {
    value(signature: any): any {
      if (signature.Declaration != null || signature.Symbol instanceof EntityGroupSymbol)
        return original.call(this, signature);
      const text: string = Binder.GetFunctionBodyText(signature);
      let tree = parsed.get(text);
      if (tree === undefined) {
        // Bounded so a long-lived process binding ever new bodies does not keep them all.
        if (parsed.size >= MAX_BODIES) parsed.clear();
        tree = QueryParser.ParseFunctionBody$1(text);
        parsed.set(text, tree);
      }
      return tree.Clone$1(true);
    },
  });
}

const MAX_BODIES = 4_000;
