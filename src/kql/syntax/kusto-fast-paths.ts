import type { FastPath } from './bridge-fast-paths.js';
import { recursiveDiagnosticsWalk } from './diagnostics-walk.js';
import { hashLookups } from './hash-lookups.js';
import { shareImmutableLists } from './immutable-lists.js';
import { memoizeOperatorOverloads } from './operator-overloads.js';
import { fastTreeBuilding } from './tree-building.js';

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
  bridge: any,
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

  // An expression's type, with a one-column reducible tuple taken as its column's type and an
  // entity-group element as the group's symbol (Expression.ResultType).
  const {
    TupleSymbol,
    EntityGroupElementSymbol,
    ColumnSymbol,
    Signature,
    Symbol: KustoSymbol,
  } = kusto.Symbols;
  replace(kusto.Syntax.Expression.prototype, 'ResultType', {
    get(this: any) {
      const type = this.RawResultType;
      if (type instanceof TupleSymbol) {
        const columns = (type as any).Columns;
        if (system.Array.getCount(columns, ColumnSymbol) === 1 && (type as any).IsReducibleToScalar)
          return system.Array.getItem(columns, 0, ColumnSymbol).Type;
        return type;
      }
      return type instanceof EntityGroupElementSymbol ? (type as any).UnderlyingSymbol : type;
    },
  });
  // What a name or call refers to: a signature's symbol, or the symbol itself (SemanticInfo.ReferencedSymbol).
  replace(kusto.Binding.SemanticInfo.prototype, 'ReferencedSymbol', {
    get(this: any) {
      const referenced = this._referencedSymbolOrSignature;
      if (referenced instanceof Signature) return referenced.Symbol;
      return referenced instanceof KustoSymbol ? referenced : null;
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

  memoizeOperatorOverloads(system, kusto, replace);
  shareImmutableLists(system, kusto, replace);
  recursiveDiagnosticsWalk(system, kusto, replace);
  fastTreeBuilding(system, kusto, replace, onInstantiation);
  hashLookups(bridge, system, replace, onInstantiation);

  const types = kusto.KustoCode.$assembly.$types;
  specializeAutoProperties(
    HOT_CLASSES.map((name) => types[`Kusto.Language.${name}`]),
    replace,
  );

  // `TextKeyedDictionary<T>.Key.GetFNVHashCode` (the lexer's keyword and name tables, for every
  // token) reads its two constants through `Key(TValue)`, a generic type lookup, for every character,
  // and multiplies through `Bridge.Int.mul(a, b)`, which without an overflow check is `Math.imul`.
  // An instantiation's static members are assigned again when its static initializer runs (after
  // it is first looked up), so the replacement is an accessor that keeps answering the fast method
  // and records what Bridge assigns as the original.
  onInstantiation(kusto.Utils.TextKeyedDictionary$1.Key, (type) => {
    let original = type.GetFNVHashCode;
    const fast = (text: string, start: number, length: number) => {
      let hash: number = type.FnvOffsetBias;
      const prime: number = type.FnvPrime;
      for (let i = start, end = (start + length) | 0; i < end; i = (i + 1) | 0)
        hash = Math.imul(hash ^ text.charCodeAt(i), prime);
      return hash;
    };
    Object.defineProperty(type, 'GetFNVHashCode', {
      get: () => fast,
      set: (value) => {
        original = value;
      },
      enumerable: true,
      configurable: true,
    });
    fnvHashes.push({ original: (...args) => original(...args), fast });
  });
}

/** The hash functions replaced per instantiation, for the tests to compare with the originals. */
export const fnvHashes: { original: (...args: any[]) => number; fast: (...args: any[]) => number }[] = [];

/**
 * The classes whose auto-properties binding reads most (counted over the bench rules: a token's
 * Kind, Text and Trivia, a symbol's Name, an element's IndexInParent, a signature's Parameters, ...):
 * specializing every class's (~4,000 properties) would cost more start-up than it saves.
 */
const HOT_CLASSES = [
  'Parsing.LexicalToken',
  'Symbols.Symbol',
  'Symbols.Signature',
  'Symbols.Parameter',
  'Syntax.SyntaxElement',
  'Syntax.SyntaxFacts.SyntaxData',
  'Syntax.SeparatedElement',
  'Syntax.TokenName',
  'Syntax.NameReference',
  'Syntax.LiteralExpression',
  'Syntax.ExpressionList',
  'Syntax.PipeExpression',
  'Syntax.FunctionCallExpression',
  'Binding.SemanticInfo',
];

// Bridge.NET's accessors of an auto-property (bridge.js `Bridge.property`), as the minified runtime
// prints them: `get` reads the backing field from the object's `$init` bag, or the default.
const AUTO_GETTER =
  /^function\s*\(\)\s*\{\s*var (\w+)\s*=\s*this\.\$init\[(\w+)\];\s*return \1\s*===\s*undefined\s*\?\s*(\w+)\s*:\s*\1;?\s*\}$/;
const AUTO_SETTER = /^function\s*\((\w+)\)\s*\{\s*this\.\$init\[(\w+)\]\s*=\s*\1;?\s*\}$/;

/**
 * Bridge.NET gives every auto-property (`Name`, `Kind`, `IndexInParent`, ... ~35,000 reads per
 * rule) a getter and setter made by one closure, `this.$init[backingField]`: all of them share one
 * call site, which V8 answers through its generic (megamorphic) keyed lookup. Here each property of
 * the library's classes gets accessors of its own, compiled with the backing field's name as a
 * constant, reading and writing the same `$init` entry and answering the same default. The field
 * and default are read off the original accessors by calling them on a probe object.
 */
function specializeAutoProperties(
  types: any[],
  replace: (owner: object, name: string, fast: PropertyDescriptor) => void,
): void {
  const mark = {};
  for (const type of types) {
    const prototype = typeof type === 'function' ? type.prototype : undefined;
    if (!prototype) continue;
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(prototype))) {
      const { get, set } = descriptor;
      if (!get || !set || !AUTO_GETTER.test(String(get)) || !AUTO_SETTER.test(String(set))) continue;
      const probe = { $init: {} as Record<string, unknown> };
      set.call(probe, mark);
      const fields = Object.keys(probe.$init);
      if (fields.length !== 1 || probe.$init[fields[0]] !== mark) continue;
      const fallback = get.call({ $init: {} });
      const field = JSON.stringify(fields[0]);
      // A function compiled per property: its own inline caches, and the field name a constant.
      const accessors = new Function(
        'fallback',
        `return { get: function () { var o = this.$init[${field}]; return o === undefined ? fallback : o; }, ` +
          `set: function (value) { this.$init[${field}] = value; } };`,
      )(fallback);
      replace(prototype, name, accessors);
    }
  }
}
