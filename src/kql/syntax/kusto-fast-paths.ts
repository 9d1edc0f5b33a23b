import type { FastPath } from './bridge-fast-paths.js';

/**
 * Kusto.Language methods that a CPU profile of `validate` put on top, each replaced by the same
 * steps without Bridge.NET's general helpers. The originals test types with `Bridge.as(x, T)`, one
 * call site for every type in the library, so V8 answers each through its slowest (megamorphic)
 * path, and the failing tests (a token is not a SyntaxNode, a tree is not a parent) go through
 * Bridge's full `is`. Here the type is fixed per method, so `instanceof` answers directly. The
 * values concerned are syntax elements, trees and symbols: Bridge classes, never boxed values, for
 * which `Bridge.as(x, PlainClass)` is `x instanceof PlainClass ? x : null`.
 * test/kql/syntax/bridge-fast-paths.test.ts binds the same queries with and without them.
 */
export function installKustoFastPaths(
  system: any,
  kusto: any,
  replaced: FastPath[],
  onInstantiation: (generic: object, install: (type: any) => void) => void,
): void {
  const { SyntaxElement, SyntaxNode, SyntaxTree, CustomNode } = kusto.Syntax;
  const element = SyntaxElement.prototype;
  const replace = (owner: object, name: string, fast: PropertyDescriptor) => {
    const original = Object.getOwnPropertyDescriptor(owner, name);
    if (!original) throw new Error(`Kusto.Language has no ${name} to replace`);
    Object.defineProperty(owner, name, { ...original, ...fast });
    replaced.push({ owner, name, original, fast: Object.getOwnPropertyDescriptor(owner, name)! });
  };

  // `_parentOrTree` holds the parent node, or the SyntaxTree on a root, or null.
  replace(element, 'Parent', {
    get(this: any) {
      const up = this._parentOrTree;
      return up instanceof SyntaxNode ? up : null;
    },
  });
  replace(element, 'Tree', {
    get(this: any) {
      let node = this;
      while (node._parentOrTree instanceof SyntaxNode) node = node._parentOrTree;
      const up = node._parentOrTree;
      return up instanceof SyntaxTree ? up : null;
    },
  });

  // Asked with a syntax class (FunctionDeclaration, FunctionBody, ...); an interface or other type
  // keeps the original.
  const getFirstAncestor = element.GetFirstAncestor;
  // (System.Object is a Bridge class too, but every object is one: also kept to the original.)
  const plainClass = (type: any) =>
    typeof type === 'function' &&
    type.$kind === 'class' &&
    type !== system.Object &&
    !type.$isInterface &&
    !type.$is &&
    !type.$literal;
  replace(element, 'GetFirstAncestor', {
    value(this: any, type: any, predicate: ((e: unknown) => boolean) | null = null) {
      if (!plainClass(type)) return getFirstAncestor.call(this, type, predicate);
      for (let up = this._parentOrTree; up instanceof SyntaxNode; up = up._parentOrTree) {
        if (up instanceof type && (predicate == null || predicate(up))) return up;
      }
      return null;
    },
  });

  const treeBinder = kusto.Binding.Binder.TreeBinder.prototype;
  replace(treeBinder, 'VisitChildren', {
    value(this: any, node: any) {
      if (node == null) return;
      for (let i = 0, n = node.ChildCount; i < n; i++) {
        const child = node.GetChild(i);
        if (child instanceof SyntaxNode) child.Accept$1(this);
      }
    },
  });

  // `Binder.GetCreateFunctionCommandName(location)` (Binder.cs) is asked for every name the binder
  // resolves; it names the function a `.create function` command declares, found by walking the
  // ancestors of the location (mapped to the original tree) twice. Its answer is null unless a
  // FunctionDeclaration or FunctionBody sits directly under a CustomNode, i.e. the tree holds a
  // control command: a query's tree holds none, which is looked up once per tree.
  const binder = kusto.Binding.Binder;
  const commandName = binder.GetCreateFunctionCommandName;
  const holdsCustomNode = new WeakMap<object, boolean>();
  const containsCustomNode = (root: any): boolean => {
    let found = holdsCustomNode.get(root);
    if (found === undefined) {
      found = false;
      const pending = [root];
      while (!found && pending.length > 0) {
        const node = pending.pop();
        if (node instanceof CustomNode) found = true;
        for (let i = 0; i < node.ChildCount; i++) {
          const child = node.GetChild(i);
          if (child instanceof SyntaxNode) pending.push(child);
        }
      }
      holdsCustomNode.set(root, found);
    }
    return found;
  };
  replace(binder, 'GetCreateFunctionCommandName', {
    value(this: unknown, location: any) {
      let root = location;
      while (root._parentOrTree instanceof SyntaxNode) root = root._parentOrTree;
      // A tree fragment (`Original` set) is mapped back to its original tree by the original method.
      const tree = root._parentOrTree;
      if (tree instanceof SyntaxTree && tree.Original != null) return commandName.call(this, location);
      return containsCustomNode(root) ? commandName.call(this, location) : null;
    },
  });

  // `TextKeyedDictionary<T>.Key.GetFNVHashCode` (the lexer's keyword and name tables, for every
  // token) reads its two constants through `Key(TValue)`, a generic type lookup, for every character,
  // and multiplies through `Bridge.Int.mul(a, b)`, which without an overflow check is `Math.imul`.
  onInstantiation(kusto.Utils.TextKeyedDictionary$1.Key, (type) => {
    const original = type.GetFNVHashCode;
    type.GetFNVHashCode = (text: string, start: number, length: number) => {
      let hash: number = type.FnvOffsetBias;
      const prime: number = type.FnvPrime;
      for (let i = start, end = (start + length) | 0; i < end; i = (i + 1) | 0)
        hash = Math.imul(hash ^ text.charCodeAt(i), prime);
      return hash;
    };
    fnvHashes.push({ original, fast: type.GetFNVHashCode });
  });
}

/** The hash functions replaced per instantiation, for the tests to compare with the originals. */
export const fnvHashes: { original: (...args: any[]) => number; fast: (...args: any[]) => number }[] = [];
