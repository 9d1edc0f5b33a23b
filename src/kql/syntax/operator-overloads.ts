/**
 * Overload resolution of operators, remembered: `Binder.GetBestMatchingSignatures` (Binder.cs) picks
 * the signatures of an operator (`==`, `!in~`, `has`, ...) that best match the arguments, for every
 * binary, unary and `in` expression a query holds (~4–5% of a `validate` thread: a tuned rule's
 * `where x !in~ (...)` lines repeat the same few cases thousands of times). Its answer is a function
 * of what it reads, listed here from Kusto.Language 12.4 (the Bridge build in
 * @kusto/language-service-next), so the same inputs give the same signatures:
 * - the signatures (a fixed list per operator symbol) and their parameters, layouts and counts;
 * - `argumentTypes` (each TypeSymbol, immutable), their count, the arguments' count and
 *   `requireAllArgumentsMatch`;
 * - `Binder.AllowImplicitArgumentCoercion(signature)`: false when the signature's symbol is not a
 *   FunctionSymbol, which an OperatorSymbol is not, so the binder instance does not matter;
 * - from the argument expressions, only through the signature's layout and
 *   `Binder.GetParameterMatchKind`: whether an argument is a SimpleNamedExpression (the
 *   non-repeating layout, all operators allow named arguments) or a StarExpression, its
 *   `ResultType` (the repeating layout lays parameters out by the expressions' own types, which can
 *   differ from `argumentTypes` when the binder retries with dynamic primitives unwrapped), and its
 *   literal value when a parameter has a `DefaultValueIndicator` (no operator parameter has one).
 * Lists whose signatures are not all operator signatures with one of those two layouts and no
 * default-value indicator, calls with a named or star argument, and calls whose result list is not
 * empty on entry go to the original. test/kql/syntax/bridge-fast-paths.test.ts binds every operator
 * over every scalar type with and without it.
 */
export function memoizeOperatorOverloads(
  system: any,
  kusto: any,
  replace: (owner: object, name: string, fast: PropertyDescriptor) => void,
): void {
  const { Symbols, Syntax } = kusto;
  const { OperatorSymbol, NonRepeatingParameterLayout, RepeatingParameterLayout, Signature, Parameter } =
    Symbols;
  const { Expression, SimpleNamedExpression, StarExpression } = Syntax;
  const binder = kusto.Binding.Binder.prototype;
  const original = binder.GetBestMatchingSignatures;

  const each = <T>(list: any, type: unknown, visit: (item: T) => boolean): boolean => {
    for (let i = 0, n = system.Array.getCount(list, type); i < n; i++)
      if (!visit(system.Array.getItem(list, i, type))) return false;
    return true;
  };
  const provable = (signatures: any): boolean =>
    each(
      signatures,
      Signature,
      (signature: any) =>
        signature.Symbol instanceof OperatorSymbol &&
        (signature.Layout?.constructor === NonRepeatingParameterLayout ||
          signature.Layout?.constructor === RepeatingParameterLayout) &&
        each(signature.Parameters, Parameter, (parameter: any) => parameter.DefaultValueIndicator == null),
    );
  // Per signature list: remembered answers by key, or null when the list is not provable.
  const memos = new WeakMap<object, Map<string, unknown[]> | null>();
  const memoOf = (signatures: object): Map<string, unknown[]> | null => {
    let memo = memos.get(signatures);
    if (memo === undefined) {
      memo = provable(signatures) ? new Map() : null;
      memos.set(signatures, memo);
    }
    return memo;
  };
  // Symbols are compared by identity, as the original does.
  const ids = new WeakMap<object, number>();
  let lastId = 0;
  const idOf = (symbol: object | null): number => {
    if (symbol == null) return 0;
    let id = ids.get(symbol);
    if (id === undefined) {
      id = ++lastId;
      ids.set(symbol, id);
    }
    return id;
  };
  // A bound on what is remembered per operator: argument types made per query (tuples, dynamic
  // bags) would otherwise keep adding keys.
  const MAX_KEYS = 4096;
  // The key of what the original reads from the call, or undefined when it reads more than that.
  const keyOf = (args: any, argumentTypes: any, requireAll: boolean): string | undefined => {
    const argCount = system.Array.getCount(args, Expression);
    const typeCount = system.Array.getCount(argumentTypes, Symbols.TypeSymbol);
    let key = `${requireAll ? 1 : 0}:${argCount}:${typeCount}`;
    for (let i = 0; i < typeCount; i++)
      key += `,${idOf(system.Array.getItem(argumentTypes, i, Symbols.TypeSymbol))}`;
    for (let i = 0; i < argCount; i++) {
      const arg = system.Array.getItem(args, i, Expression);
      if (arg == null || arg instanceof SimpleNamedExpression || arg instanceof StarExpression)
        return undefined;
      key += `;${idOf(arg.ResultType)}`;
    }
    return key;
  };

  replace(binder, 'GetBestMatchingSignatures', {
    value(this: any, signatures: any, args: any, argumentTypes: any, result: any, requireAll = false) {
      const memo = result.Count === 0 ? memoOf(signatures) : null;
      const key = memo ? keyOf(args, argumentTypes, requireAll) : undefined;
      if (memo == null || key === undefined)
        return original.call(this, signatures, args, argumentTypes, result, requireAll);
      const known = memo.get(key);
      if (known) {
        for (const signature of known) result.add(signature);
        return;
      }
      original.call(this, signatures, args, argumentTypes, result, requireAll);
      if (memo.size >= MAX_KEYS) memo.clear();
      const found: unknown[] = [];
      for (let i = 0; i < result.Count; i++) found.push(result.getItem(i));
      memo.set(key, found);
    },
  });
}
