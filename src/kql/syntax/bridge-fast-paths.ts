import { installKustoFastPaths } from './kusto-fast-paths.js';

/**
 * Faster versions of the Bridge.NET runtime helpers that Kusto.Language (a Bridge.NET build of the
 * C# library) calls on every list access, type test and lazy field. A CPU profile of `validate`
 * put about half of all binding time in the runtime, not in Kusto's own code; these were the
 * largest that can be replaced from outside:
 * - `System.Array.getCount/getItem(list, i, T)` concatenate the interface member's name
 *   (`System$Collections$Generic$ICollection$1$<alias of T>$getCount`) on every call;
 * - `Bridge.is(obj, Class)` (and `Bridge.as`, which calls it) walks its general case before the
 *   `instanceof` test that answers nearly every call;
 * - `Bridge.ref(o, name)` (Kusto's `ref` arguments, e.g. every lazily built column map) defines a
 *   property with two new closures on a fresh object;
 * - `Bridge.Class.getCachedType(fn, args)`, behind every use of a generic type such as
 *   `List$1(T)`, scans every instantiation made so far;
 * - and two of Kusto.Language's own: a table's column looked up by name, and the query grammar
 *   that `KustoCode.Create` builds for every query although the hand-written parser parses it (below).
 * Each replacement answers only the cases it can prove the same as the original and hands every
 * other call to the original, so results do not change (test/kql/syntax/bridge-fast-paths.test.ts
 * compares them; `Bridge.$fastPathOriginals` lists what was replaced).
 */
export function installFastPaths(bridge: any, system: any, kusto: any): void {
  if (bridge.$fastPathOriginals) return;
  const getCount = system.Array.getCount;
  const getItem = system.Array.getItem;
  const is = bridge.is;
  const ref = bridge.ref;
  const getCachedType = bridge.Class.getCachedType;
  // The same steps as the originals (bridge.js, System.Array.getCount/getItem) in the same order,
  // reading the same properties, with the names that depend on T built once per T.
  const names = new Map<unknown, { count: string; countProperty: string; item: string }>();
  const memberNames = (type: unknown) => {
    let found = names.get(type);
    if (!found) {
      const alias = bridge.getTypeAlias(type);
      found = {
        count: `System$Collections$Generic$ICollection$1$${alias}$getCount`,
        countProperty: `System$Collections$Generic$ICollection$1$${alias}$Count`,
        item: `System$Collections$Generic$IList$1$${alias}$getItem`,
      };
      names.set(type, found);
    }
    return found;
  };
  const isFunction = (value: unknown) => typeof value === 'function';
  system.Array.getCount = (obj: any, T: unknown) => {
    if (bridge.isArray(obj)) return obj.length;
    const named = T ? memberNames(T) : undefined;
    let v: any;
    if (named && isFunction(obj[named.count])) return obj[named.count]();
    if (isFunction(obj.System$Collections$ICollection$getCount))
      return obj.System$Collections$ICollection$getCount();
    if (named && (v = obj[named.countProperty]) !== undefined) return v;
    if ((v = obj.System$Collections$ICollection$Count) !== undefined) return v;
    if ((v = obj.Count) !== undefined) return v;
    if (isFunction(obj.getCount)) return obj.getCount();
    return 0;
  };
  system.Array.getItem = (obj: any, idx: number, T: unknown) => {
    // Of an array the original answers the item as it is when T is given (`(r = n[t], i) ? r : ...`).
    if (bridge.isArray(obj)) return T ? obj[idx] : getItem.call(system.Array, obj, idx, T);
    let v: any;
    if (T && isFunction(obj[memberNames(T).item])) return obj[memberNames(T).item](idx);
    if (isFunction(obj.get)) v = obj.get(idx);
    else if (isFunction(obj.getItem)) v = obj.getItem(idx);
    else if (isFunction(obj.System$Collections$IList$$getItem))
      v = obj.System$Collections$IList$$getItem(idx);
    else if (isFunction(obj.get_Item)) v = obj.get_Item(idx);
    return T && bridge.getDefaultValue(T) != null ? bridge.box(v, T) : v;
  };

  // For an unboxed object and a constructor other than Object/System.Object, the original's
  // first answer is `obj instanceof type`; when that fails and both are plain Bridge classes (the
  // object's constructor has a Bridge kind; the type is no interface and has no `$is` or
  // `$literal`), its last one is `false`. Its other steps only compute values those do not use.
  // A boxed value is a plain object literal (bridge.js `box`), an instance of Object alone, so
  // `instanceof` of such a type is true only for unboxed objects.
  const plainClass = (type: any) =>
    typeof type === 'function' && type !== system.Object && type !== Object && type.constructor === Function;
  // true or false where that answer is proven, undefined for the original to decide.
  const plainAnswer = (obj: any, type: any): boolean | undefined => {
    if (!plainClass(type)) return undefined;
    if (obj instanceof type) return true;
    const ctor = obj != null && typeof obj === 'object' && !obj.$boxed ? obj.constructor : null;
    if (
      ctor != null &&
      ctor !== type &&
      ctor !== Object &&
      ctor !== Boolean &&
      ctor !== String &&
      ctor !== Date &&
      (ctor.$kind || ctor.$$inherits) &&
      !type.$isInterface &&
      !type.$is &&
      !type.$literal
    )
      return false;
    return undefined;
  };
  // An interface (`IDisposable` for every enumerator a `foreach` disposes, `IReadOnlyList<T>`, ...):
  // for a non-null, unboxed instance of a Bridge class, the original answers from the object's
  // constructor alone (`instanceof`, then the class's interfaces: `isAssignableFrom`), except for
  // array enumerators and types with their own `$is` or `$literal` test, which read the object.
  // So its answer is remembered per constructor and interface.
  const interfaceAnswers = new Map<unknown, Map<unknown, boolean>>();
  const interfaceAnswer = (obj: any, type: any): boolean | undefined => {
    if (typeof type !== 'function' || !type.$isInterface || type.$is || type.$literal) return undefined;
    if (obj == null || typeof obj !== 'object' || obj.$boxed) return undefined;
    const ctor = obj.constructor;
    if (
      ctor === Object ||
      typeof ctor !== 'function' ||
      !(ctor.$kind || ctor.$$inherits) ||
      ctor.$isArrayEnumerator
    )
      return undefined;
    let byType = interfaceAnswers.get(ctor);
    if (!byType) {
      byType = new Map();
      interfaceAnswers.set(ctor, byType);
    }
    let answer = byType.get(type);
    if (answer === undefined) {
      answer = is.call(bridge, obj, type) as boolean;
      byType.set(type, answer);
    }
    return answer;
  };
  const knownAnswer = (obj: any, type: any): boolean | undefined =>
    plainAnswer(obj, type) ?? interfaceAnswer(obj, type);
  bridge.is = (obj: any, type: any, ignoreFn?: boolean, allowNull?: boolean) =>
    knownAnswer(obj, type) ?? is.call(bridge, obj, type, ignoreFn, allowNull);
  // `Bridge.as` returns the object itself when `is` answers true and the object is not boxed, and
  // null when `is` answers false; `Bridge.cast` the object, or throws (left to the original). So
  // the answers above serve them without the general test (a syntax node's ancestors, a symbol's
  // kind: several thousand `as` per rule).
  const as = bridge.as;
  const cast = bridge.cast;
  bridge.as = (obj: any, type: any, allowNull?: boolean) => {
    const answer = knownAnswer(obj, type);
    if (answer === undefined) return as.call(bridge, obj, type, allowNull);
    return answer ? obj : null;
  };
  bridge.cast = (obj: any, type: any, allowNull?: boolean) =>
    plainClass(type) && obj instanceof type ? obj : cast.call(bridge, obj, type, allowNull);

  // `Bridge.isArray` with what the constructor decides (an array type, or a class marked `$isArray`)
  // remembered per constructor (the original scans the list of array types on each of ~50,000 calls
  // per rule); `Bridge.arrayTypes` is never changed after bridge.js defines it, and `$isArray` is
  // set when a type is defined.
  const isArray = bridge.isArray;
  const arrayTypes = new Set<unknown>(bridge.arrayTypes);
  const arrayConstructors = new Map<unknown, boolean>();
  bridge.isArray = (obj: any, ctor?: any) => {
    const c = ctor || (obj != null ? obj.constructor : null);
    if (!c) return false;
    let byConstructor = arrayConstructors.get(c);
    if (byConstructor === undefined) {
      byConstructor = arrayTypes.has(c) || Boolean(c.$isArray);
      arrayConstructors.set(c, byConstructor);
    }
    return byConstructor || Array.isArray(obj);
  };
  // `Bridge.hasValue(obj)` is `Bridge.unbox(obj, true) != null`; unbox returns anything other than
  // a boxed value or an array as it is (it unboxes an array's items in place: left to the original).
  const hasValue = bridge.hasValue;
  bridge.hasValue = (obj: any) => {
    if (obj == null) return false;
    if (typeof obj !== 'object' || (!obj.$boxed && !bridge.isArray(obj))) return true;
    return hasValue.call(bridge, obj);
  };

  // The same accessor as the original's, on a prototype instead of defined per call.
  class Ref {
    constructor(
      private o: any,
      private readonly n: any,
    ) {}
    get v(): any {
      return this.n == null ? this.o : this.o[this.n];
    }
    set v(value: any) {
      if (this.n == null) {
        if (value?.$clone) value.$clone(this.o);
        else this.o = value;
      }
      this.o[this.n] = value;
    }
  }
  bridge.ref = (o: any, n: any) => {
    if (bridge.isArray(n)) return ref.call(bridge, o, n);
    return new Ref(o, n);
  };

  // Instantiations only ever get added to `fn.$cache`, so one found stays valid: index them by
  // their first type argument (generic definitions live as long as the runtime) and fall back to the original scan for any not indexed yet.
  const indexes = new Map<object, { cache: unknown[]; byFirst: Map<unknown, any[]> }>();
  const sameArgs = (a: ArrayLike<unknown>, b: ArrayLike<unknown>) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  bridge.Class.getCachedType = (fn: any, args: ArrayLike<unknown>) => {
    let index = indexes.get(fn);
    if (!index || index.cache !== fn.$cache) {
      index = { cache: fn.$cache, byFirst: new Map() };
      indexes.set(fn, index);
    }
    const candidates = index.byFirst.get(args[0]);
    if (candidates) for (const key of candidates) if (sameArgs(key.args, args)) return key;
    const found = getCachedType.call(bridge.Class, fn, args);
    if (found) {
      if (candidates) candidates.push(found);
      else index.byFirst.set(args[0], [found]);
      instantiated.get(fn)?.(found.type);
    }
    return found;
  };
  // Kusto.Language fast paths on generic types are installed on each instantiation when it is first
  // looked up again after being made (which every use of a generic type does).
  const instantiated = new Map<object, (type: any) => void>();
  // Kusto.Language itself: a column looked up by name in a table built a Bridge Dictionary of all
  // the table's columns (`ColumnMap`, ~10% of binding: every `where` makes a new table, so rules
  // with long filter chains over wide tables built one per clause). The same first-column-of-
  // that-name answer comes from a JS Map built once per table; columns never change after a
  // table symbol is made (the original caches its map on the same assumption).
  const { Symbols } = kusto;
  const tables = Symbols.TableSymbol.prototype;
  const getMembers = tables.GetMembers$1;
  // Kept per column list, not per table: the tables a filter chain makes share their input's list
  // (a SafeList, immutable: see immutable-lists.ts), and so do all rules reading a catalog table.
  // A list asked for one name (a `project`'s output, say) is scanned; the map is built at the second.
  const columnMaps = new WeakMap<object, Map<string, unknown> | null>();
  const columnNamed = (table: any, name: string) => {
    const columns = table.Columns;
    let map = columnMaps.get(columns);
    if (map) return map.get(name);
    const count = system.Array.getCount(columns, Symbols.ColumnSymbol);
    if (map === undefined) {
      columnMaps.set(columns, null);
      for (let i = 0; i < count; i++) {
        const column = system.Array.getItem(columns, i, Symbols.ColumnSymbol);
        if (column.Name === name) return column;
      }
      return undefined;
    }
    map = new Map();
    for (let i = 0; i < count; i++) {
      const column = system.Array.getItem(columns, i, Symbols.ColumnSymbol);
      if (!map.has(column.Name)) map.set(column.Name, column);
    }
    columnMaps.set(columns, map);
    return map.get(name);
  };
  tables.GetMembers$1 = function (this: any, name: string, match: unknown, symbols: any, ignoreCase = false) {
    if (typeof name !== 'string') return getMembers.call(this, name, match, symbols, ignoreCase);
    const column = columnNamed(this, name);
    if (column && Symbols.SymbolMatchExtensions.Matches$1(column, name, match, ignoreCase))
      symbols.add(column);
  };
  const code = kusto.KustoCode;
  const create = code.Create;
  code.Create = lazyGrammarCreate(kusto, create);
  bridge.$fastPathOriginals = [
    { owner: code, name: 'Create', original: create },
    { owner: system.Array, name: 'getCount', original: getCount },
    { owner: system.Array, name: 'getItem', original: getItem },
    { owner: bridge, name: 'is', original: is },
    { owner: bridge, name: 'as', original: as },
    { owner: bridge, name: 'cast', original: cast },
    { owner: bridge, name: 'isArray', original: isArray },
    { owner: bridge, name: 'hasValue', original: hasValue },
    { owner: bridge, name: 'ref', original: ref },
    { owner: bridge.Class, name: 'getCachedType', original: getCachedType },
    { owner: tables, name: 'GetMembers$1', original: getMembers },
  ].map(({ owner, name, original }) => ({
    owner,
    name,
    original: { value: original, writable: true, enumerable: true, configurable: true },
    fast: Object.getOwnPropertyDescriptor(owner, name),
  }));
  installKustoFastPaths(bridge, system, kusto, bridge.$fastPathOriginals, (generic, install) =>
    instantiated.set(generic, install),
  );
}

/** One replaced member: the property descriptors of the original and of the fast path. */
export interface FastPath {
  owner: object;
  name: string;
  original: PropertyDescriptor;
  fast: PropertyDescriptor;
}

/**
 * Puts the original members back (`true`) or the fast paths (`false`), all of them or those
 * named: the equivalence tests bind the same queries both ways.
 */
export function useOriginals(bridge: any, on: boolean, names?: readonly string[]): void {
  for (const path of bridge.$fastPathOriginals as FastPath[]) {
    if (names && !names.includes(path.name)) continue;
    Object.defineProperty(path.owner, path.name, on ? path.original : path.fast);
  }
}

/**
 * `KustoCode.Create` (Kusto.Language 12.4, KustoCode.cs) asks for the combinator query grammar
 * (`QueryGrammar.From(globals).QueryBlock`, ~0.8 s to build per thread) before parsing, only to
 * store it in the result's `Grammar`, which the editor services (completion) read; with the default
 * parser kind the hand-written `QueryParser` does the parsing. This is the same method, step for
 * step, with `Grammar` built when first read; command text and the grammar parser kind keep the original.
 */
function lazyGrammarCreate(kusto: any, create: any) {
  const { KustoCode, Parsing, Syntax, Binding, Editor, ParserKind, GlobalState } = kusto;
  return function (
    this: unknown,
    text: string,
    globals: any,
    tokens: unknown,
    tokenStarts: unknown,
    analyze: boolean,
    cancellationToken: any,
  ) {
    const state = globals || GlobalState.Default;
    const kind = KustoCode.GetKind(text);
    if (kind === Editor.CodeKinds.Command || state.ParseOptions.ParserKind === ParserKind.Grammar)
      return create.call(this, text, globals, tokens, tokenStarts, analyze, cancellationToken);
    const syntax = Parsing.QueryParser.ParseQuery(tokens, 0, state.ParseOptions);
    const tree = new Syntax.SyntaxTree(syntax);
    let localCache = null;
    let resultType = null;
    let analysisState = KustoCode.AnalysisState.NotRequested;
    if (analyze) {
      cancellationToken.ThrowIfCancellationRequested();
      localCache = new Binding.LocalBindingCache();
      if (Binding.Binder.TryBind(tree, state, localCache, null, cancellationToken)) {
        resultType = KustoCode.DetermineResultType(syntax);
        analysisState = KustoCode.AnalysisState.Performed;
      } else {
        analysisState = KustoCode.AnalysisState.NotSafe;
      }
    }
    const result = new KustoCode(
      text,
      kind,
      state,
      null,
      tree,
      analysisState,
      resultType,
      tokens,
      tokenStarts,
      localCache,
    );
    let grammar: unknown;
    Object.defineProperty(result, 'Grammar', {
      get: () => {
        grammar ??= Parsing.QueryGrammar.From(state).QueryBlock;
        return grammar;
      },
      set: (value: unknown) => {
        grammar = value;
      },
      enumerable: true,
      configurable: true,
    });
    return result;
  };
}
