/**
 * `SyntaxElement.GatherDiagnostics(root, list, include)` (SyntaxElement.cs), which
 * `KustoCode.GetDiagnostics` runs over every element of a bound query (~3.5% of a `validate`
 * thread), walks the tree without recursion through `Parent` and `IndexInParent`, with two callbacks
 * per element behind `Bridge.staticEquals` tests. For what GetDiagnostics asks (syntactic and
 * semantic diagnostics, no expansions) this is the same walk, recursive: the same elements in the
 * same order (each element, then its non-null children in index order), adding, before the
 * children, its syntax diagnostics (located at the element when they carry no location) and a
 * node's semantic diagnostics. After the children the original adds an alternate parse's
 * diagnostics; a tree holding a node with alternates is handed back to the original whole, so its
 * order stays the original's. Other `include` values go to the original too.
 */
export function recursiveDiagnosticsWalk(
  system: any,
  kusto: any,
  replace: (owner: object, name: string, fast: PropertyDescriptor) => void,
): void {
  const { SyntaxElement, SyntaxNode, DiagnosticsInclude } = kusto.Syntax;
  const { Diagnostic, Utils } = kusto;
  const gather = SyntaxElement.GatherDiagnostics;
  const syntacticAndSemantic = DiagnosticsInclude.Syntactic | DiagnosticsInclude.Semantic;
  replace(SyntaxElement, 'GatherDiagnostics', {
    value(this: unknown, root: any, diagnostics: any, include: number, cancellationToken?: any) {
      if (include !== syntacticAndSemantic || root == null)
        return gather.call(this, root, diagnostics, include, cancellationToken);
      (cancellationToken ?? new Utils.CancellationToken()).ThrowIfCancellationRequested();
      const before = diagnostics.Count;
      // false when the walk met a node with alternates
      const visit = (element: any): boolean => {
        if (element.HasSyntaxDiagnostics) {
          diagnostics.AddRange(
            system.Linq.Enumerable.from(element.SyntaxDiagnostics, Diagnostic).select((d: any) =>
              d.HasLocation ? d : SyntaxElement.SetLocation(d, element),
            ),
          );
        }
        const node = element instanceof SyntaxNode ? element : null;
        if (node && system.Array.getCount(node.SemanticDiagnostics, Diagnostic) > 0)
          diagnostics.AddRange(node.SemanticDiagnostics);
        for (let i = 0; i < element.ChildCount; i++) {
          const child = element.GetChild(i);
          if (child != null && !visit(child)) return false;
        }
        return !(node && node.Alternates != null);
      };
      if (visit(root)) return;
      Utils.ListExtensions.SetCount(Diagnostic, diagnostics, before);
      return gather.call(this, root, diagnostics, include, cancellationToken);
    },
  });
}
