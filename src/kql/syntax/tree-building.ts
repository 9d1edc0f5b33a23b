/**
 * Two steps Kusto.Language takes for every syntax tree it builds, done without Bridge.NET's general
 * enumeration helpers (a CPU profile of `validate` put ~4% of a thread in the first, ~2% in the second):
 * - `new SyntaxList<T>(IEnumerable<T> elements)` (SyntaxList.cs) copies its elements with LINQ's
 *   `ToArray`, which Bridge runs through an enumerable, an enumerator with four closures and a
 *   `forEach` per list; the parser hands it a `List<T>` for every list it parses (a `where`'s empty
 *   parameter list, an `in (...)` list, ...). For a `List<X>` the copy is the list's items in
 *   order (what its enumerator yields) in an array typed as LINQ types it (`System.Array.init([],
 *   T)`); any other argument keeps the original.
 * - `SyntaxElement.InitializeTriviaStarts` (run by the SyntaxTree constructor) sets each element's
 *   `_triviaStart` to its parent's plus its `OffsetInParent`, through `WalkElements` with a callback
 *   behind `Bridge.staticEquals` tests per element. Each element's value depends only on its
 *   parent's, set first in either walk, so this walks the same elements with an explicit stack.
 * - `SyntaxTree.ComputeMaxDepth(root)` (the tree's `Depth`, which `Binder.TryBind` compares with
 *   `MaxAnalysisDepth` before binding each tree: ~2% of a thread) counts the most syntax nodes on
 *   one path down from the root through `WalkNodes`, with two callbacks per node and a `Bridge.as`
 *   per child. The same count with an explicit stack: no recursion, so a tree too deep to bind
 *   still gets its depth.
 */
export function fastTreeBuilding(
  system: any,
  kusto: any,
  replace: (owner: object, name: string, fast: PropertyDescriptor) => void,
  onInstantiation: (generic: object, install: (type: any) => void) => void,
): void {
  const { SyntaxList, SyntaxList$1, SyntaxElement } = kusto.Syntax;
  const List$1 = system.Collections.Generic.List$1;
  // Constructors that are exactly `List<X>` for some X (not a class derived from one).
  const lists = new Map<unknown, boolean>();
  const isList = (value: any): boolean => {
    const ctor = value?.constructor;
    let answer = lists.get(ctor);
    if (answer === undefined) {
      answer = ctor?.$genericTypeDefinition === List$1 && ctor === List$1(ctor.$typeArguments[0]);
      lists.set(ctor, answer);
    }
    return answer;
  };
  onInstantiation(SyntaxList$1, (type) => {
    const original = type.$ctor1;
    if (typeof original !== 'function' || original.length !== 2) return;
    const T = type.prototype.ElementType;
    function fast(this: any, elements: any, diagnostics: any = null): void {
      if (elements == null || !isList(elements)) {
        original.call(this, elements, diagnostics);
        return;
      }
      this.$initialize();
      const array = system.Array.init([], T);
      for (let i = 0, n = elements._size; i < n; i++) array.push(elements._items[i]);
      SyntaxList.ctor.call(this, array, diagnostics);
    }
    // Bridge gives each constructor the class's prototype, so `new` makes the same kind of object.
    fast.prototype = original.prototype;
    replace(type, '$ctor1', { value: fast });
  });

  const { SyntaxTree, SyntaxNode } = kusto.Syntax;
  const computeMaxDepth = SyntaxTree.ComputeMaxDepth;
  replace(SyntaxTree, 'ComputeMaxDepth', {
    value(this: unknown, root: any) {
      // The original throws ArgumentNullException for a null root.
      if (root == null) return computeMaxDepth.call(this, root);
      let max = 0;
      const nodes = [root];
      const depths = [1];
      for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
        const depth = depths.pop() as number;
        if (depth > max) max = depth;
        for (let i = 0, n = node.ChildCount; i < n; i++) {
          const child = node.GetChild(i);
          if (child instanceof SyntaxNode) {
            nodes.push(child);
            depths.push(depth + 1);
          }
        }
      }
      return max;
    },
  });

  replace(SyntaxElement.prototype, 'InitializeTriviaStarts', {
    value(this: any) {
      const root = this.Root;
      // The original's `(Parent?._triviaStart ?? 0) + OffsetInParent` for a root, whose Parent is null.
      root._triviaStart = root.OffsetInParent | 0;
      const pending = [root];
      for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
        const start = node._triviaStart;
        for (let i = 0, n = node.ChildCount; i < n; i++) {
          const child = node.GetChild(i);
          if (child == null) continue;
          child._triviaStart = (start + child.OffsetInParent) | 0;
          if (child.ChildCount > 0) pending.push(child);
        }
      }
    },
  });
}
