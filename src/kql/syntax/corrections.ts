import { kusto, toArray } from './kusto.js';

/**
 * Kusto.Language's function symbols are hand-written by its team and lag the service in a few
 * places. Where the service (the specification) is documented or measured to differ, the symbol is
 * corrected here, so the binder — the single source of result types and of what binds — agrees with
 * the service. Each entry says where the service's behaviour is stated.
 */
interface Correction {
  /** The result type the service returns, for every signature. */
  returns?: 'long';
  /** Replacement signatures, as `(name:kind, ...)` over Kusto.Language parameter kinds. */
  signatures?: { returns: string; parameters: [string, string][] }[];
  /** Signatures added after the symbol's own (which keep binding first). */
  extraSignatures?: { returns: string; parameters: [string, string][] }[];
  /** Parameters whose kind is widened, by name, keeping every signature's own return type. */
  parameterKinds?: Record<string, string>;
}

const AGGREGATE_CORRECTIONS: Record<string, Correction> = {
  // count(expr) "includes null values in its count" and is named count_<expr> (summarize page,
  // https://learn.microsoft.com/kusto/query/summarize-operator: `count(y)` over a null and a 5 is 2);
  // Kusto.Language knows only count() and the deprecated count(predicate).
  count: { extraSignatures: [{ returns: 'Long', parameters: [['expr', 'Scalar']] }] },
};

// The service returns the datetime part functions as long, where Kusto.Language declares int:
// measured against the service's results for the documentation's examples (issue #11).
const LONG_PARTS = [
  'getyear',
  'getmonth',
  'monthofyear',
  'dayofmonth',
  'dayofyear',
  'hourofday',
  'weekofyear',
  'week_of_year',
  'datetime_part',
  'datepart',
];

const CORRECTIONS: Record<string, Correction> = {
  ...Object.fromEntries(LONG_PARTS.map((name) => [name, { returns: 'long' } as Correction])),
  // todynamic() is parse_json() (https://learn.microsoft.com/kusto/query/todynamic-function), which
  // takes a dynamic value as well as a string; Kusto.Language declares todynamic for strings only.
  todynamic: { signatures: [{ returns: 'Dynamic', parameters: [['value', 'StringOrDynamic']] }] },
  toobject: { signatures: [{ returns: 'Dynamic', parameters: [['value', 'StringOrDynamic']] }] },
  // make_timespan's seconds are real ("A value from 0 to 59.9999999",
  // https://learn.microsoft.com/kusto/query/make-timespan-function); Kusto.Language requires integers.
  make_timespan: {
    signatures: [
      {
        returns: 'TimeSpan',
        parameters: [
          ['days', 'Integer'],
          ['hours', 'Integer'],
          ['minutes', 'Integer'],
          ['seconds', 'Number'],
        ],
      },
      {
        returns: 'TimeSpan',
        parameters: [
          ['hours', 'Integer'],
          ['minutes', 'Integer'],
          ['seconds?', 'Number'],
        ],
      },
      { returns: 'TimeSpan', parameters: [['value', 'Scalar']] },
    ],
  },
  // The series_fit_poly page's examples pass the degree as a literal (`series_fit_poly(y, x, 5)`),
  // a long; Kusto.Language declares it int and rejects them (KS107).
  series_fit_poly: { parameterKinds: { degree: 'Integer' } },
};

let corrected: any;

/** Kusto.Language's default global state with the corrected function symbols. */
export function correctedGlobalState(): any {
  if (!corrected) {
    const { GlobalState } = kusto();
    const functions = toArray(GlobalState.Default.Functions).map((fn: any) => {
      const correction = CORRECTIONS[String(fn.Name)];
      return correction ? correct(fn, correction) : fn;
    });
    const aggregates = toArray(GlobalState.Default.Aggregates).map((fn: any) => {
      const correction = AGGREGATE_CORRECTIONS[String(fn.Name)];
      return correction ? correct(fn, correction) : fn;
    });
    corrected = GlobalState.Default.WithFunctions(functions)
      .WithAggregates(aggregates)
      .WithPlugIns(withMissingPlugIns(toArray(GlobalState.Default.PlugIns)));
  }
  return corrected;
}

/**
 * schema_merge (https://learn.microsoft.com/kusto/query/schema-merge-plugin) is not a plug-in of
 * Kusto.Language 12.4.1 (KS124 on the page's examples). Its symbol, as the page documents it: an
 * optional bool PreserveOrder, getschema's columns out.
 */
function withMissingPlugIns(given: any[]): any[] {
  const plugIns = given.map((p) => (String(p.Name) === 'bag_unpack' ? withBagUnpackOptions(p) : p));
  if (plugIns.some((p) => String(p.Name) === 'schema_merge')) return plugIns;
  const { Symbols, Utils } = kusto();
  const System = (globalThis as any).System;
  const column = (name: string, type: string) => new Symbols.ColumnSymbol(name, Symbols.ScalarTypes[type]);
  const result = new Symbols.TableSymbol.ctor([
    column('ColumnName', 'String'),
    column('ColumnOrdinal', 'Int'),
    column('DataType', 'String'),
    column('ColumnType', 'String'),
  ]);
  // (name, type, argument kind, values, examples, case-sensitive, default indicator, min, max occurring)
  const preserveOrder = new Symbols.Parameter.$ctor3(
    'PreserveOrder',
    Symbols.ScalarTypes.Bool,
    0,
    undefined,
    undefined,
    false,
    undefined,
    0,
    1,
  );
  const signatures = Utils.Optional$1(System.Collections.Generic.IEnumerable$1(Symbols.Signature));
  const name = Utils.Optional$1(System.String);
  // A plug-in symbol renamed, with the documented signature.
  const schemaMerge = plugIns[0].With(
    name.op_Implicit('schema_merge'),
    signatures.op_Implicit([new Symbols.Signature.$ctor6(result, [preserveOrder])]),
  );
  return [...plugIns, schemaMerge];
}

/**
 * bag_unpack's page (https://learn.microsoft.com/kusto/query/bag-unpack-plugin) documents
 * `bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict] [, ignoredProperties])`;
 * Kusto.Language 12.4.1 declares only the column and the prefix, so `ignoredProperties=dynamic([...])`
 * failed to bind (KS107, a string expected) and a third argument was refused (KS119). The symbol
 * keeps its own result-type binder and gains the two optional parameters.
 */
function withBagUnpackOptions(plugIn: any): any {
  const { Symbols, Utils } = kusto();
  const System = (globalThis as any).System;
  const optional = (name: string, type: any) =>
    new Symbols.Parameter.$ctor3(name, type, 0, undefined, undefined, false, undefined, 0, 1);
  const signatures = toArray(plugIn.Signatures).map(
    (sig: any) =>
      new Symbols.Signature.$ctor1(sig.CustomReturnType, sig.Tabularity, [
        ...toArray(sig.Parameters),
        optional('columnsConflict', Symbols.ScalarTypes.String),
        optional('ignoredProperties', Symbols.ScalarTypes.Dynamic),
      ]),
  );
  const list = Utils.Optional$1(System.Collections.Generic.IEnumerable$1(Symbols.Signature));
  return plugIn.With(undefined, list.op_Implicit(signatures));
}

function correct(fn: any, correction: Correction): any {
  const { Symbols, Utils } = kusto();
  const System = (globalThis as any).System;
  const build = (sig: { returns: string; parameters: [string, string][] }) =>
    new Symbols.Signature.$ctor6(
      Symbols.ScalarTypes[sig.returns],
      sig.parameters.map(([name, kind]) => parameter(name, kind)),
    );
  if (correction.parameterKinds) return widenParameters(fn, correction.parameterKinds);
  if (correction.extraSignatures) {
    const all = [...toArray(fn.Signatures), ...correction.extraSignatures.map(build)];
    const list = Utils.Optional$1(System.Collections.Generic.IEnumerable$1(Symbols.Signature));
    return fn.With(undefined, list.op_Implicit(all));
  }
  const signatures = correction.returns
    ? toArray(fn.Signatures).map(
        (sig: any) => new Symbols.Signature.$ctor6(Symbols.ScalarTypes.Long, sig.Parameters),
      )
    : (correction.signatures ?? []).map(build);
  const optional = Utils.Optional$1(System.Collections.Generic.IEnumerable$1(Symbols.Signature));
  return fn.With(undefined, optional.op_Implicit(signatures));
}

/** Each signature again, with the named parameters of another kind (and their optionality kept). */
function widenParameters(fn: any, kinds: Record<string, string>): any {
  const { Symbols, Utils } = kusto();
  const System = (globalThis as any).System;
  const signatures = toArray(fn.Signatures).map(
    (sig: any) =>
      new Symbols.Signature.$ctor3(
        sig.ReturnKind,
        sig._returnType,
        sig._body,
        sig.Declaration,
        sig.CustomReturnType,
        sig._tabularity,
        toArray(sig.Parameters).map((p: any) => {
          const kind = kinds[String(p.Name)];
          return kind ? parameter(`${p.Name}${p.MinOccurring === 0 ? '?' : ''}`, kind) : p;
        }),
      ),
  );
  const optional = Utils.Optional$1(System.Collections.Generic.IEnumerable$1(Symbols.Signature));
  return fn.With(undefined, optional.op_Implicit(signatures));
}

/** `name?` is an optional parameter (minOccurring 0). */
function parameter(name: string, kind: string): any {
  const { Symbols } = kusto();
  const optional = name.endsWith('?');
  const kindValue = Symbols.ParameterTypeKind[kind];
  if (!optional) return new Symbols.Parameter.ctor(name, kindValue);
  return new Symbols.Parameter.ctor(
    name.slice(0, -1),
    kindValue,
    0,
    undefined,
    undefined,
    false,
    undefined,
    0,
    1,
  );
}
