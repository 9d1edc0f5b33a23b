// The sequence_detect plugin (https://learn.microsoft.com/kusto/query/sequence-detect-plugin),
// executed in execute/sequence-detect.ts.
import type { Plan } from '../plan/types.js';
import { boundSchema, kindName, type LowerContext, list, spanOf, unsupported } from './context.js';
import { lowerScalar } from './scalar.js';

/**
 * `T | evaluate sequence_detect(TimelineColumn, MaxSequenceStepWindow, MaxSequenceSpan, e1 = (...),
 * e2 = (...), Dim1, ...)`. The page's one example with an output has two steps, so two named steps
 * are run; longer sequences (how their occurrences are enumerated) and unnamed steps (their columns'
 * names) are not shown and are refused.
 */
export function lowerSequenceDetect(node: any, input: Plan, ctx: LowerContext): Plan {
  const [timeline, stepWindow, sequenceSpan, ...rest] = list(node.FunctionCall.ArgumentList?.Expressions);
  if (!sequenceSpan) throw unsupported(node, ctx, 'sequence_detect with fewer than three arguments');
  const steps = rest.filter((a) => kindName(a) === 'SimpleNamedExpression');
  const dims = rest.filter((a) => kindName(a) !== 'SimpleNamedExpression');
  if (rest.slice(0, steps.length).some((a) => kindName(a) !== 'SimpleNamedExpression'))
    throw unsupported(node, ctx, 'sequence_detect with an unnamed step');
  if (steps.length !== 2)
    throw unsupported(
      node,
      ctx,
      `sequence_detect with ${steps.length} steps`,
      'sequence_detect: only two steps are run; the page shows no output of a longer sequence, so how its ' +
        'occurrences are enumerated is not documented',
    );
  const time = lowerScalar(timeline, input, ctx);
  if (time.type !== 'datetime' || kindName(timeline) !== 'NameReference')
    throw unsupported(timeline, ctx, 'sequence_detect over a timeline that is not a datetime column');
  const length = (arg: any, what: string): bigint => {
    const value = lowerScalar(arg, { schema: [] }, ctx);
    if (value.kind !== 'literal' || value.type !== 'timespan' || typeof value.value !== 'bigint')
      throw unsupported(arg, ctx, `sequence_detect with a ${what} that is not a constant timespan`);
    return value.value;
  };
  const schema = boundSchema(node);
  const timelineName = String(timeline.SimpleName);
  const expected = [
    ...dims.map((d) => String(d.SimpleName)),
    ...steps.map((s) => `${s.Name.SimpleName}_${timelineName}`),
    'Duration',
  ];
  if (
    dims.some((d) => kindName(d) !== 'NameReference') ||
    schema.length !== expected.length ||
    schema.some((c, i) => c.name !== expected[i])
  )
    throw unsupported(node, ctx, 'sequence_detect output columns');
  return {
    op: 'sequence-detect',
    input,
    time,
    maxStep: length(stepWindow, 'MaxSequenceStepWindow'),
    maxSpan: length(sequenceSpan, 'MaxSequenceSpan'),
    steps: steps.map((s) => lowerScalar(s.Expression, input, ctx)),
    dims: dims.map((d) => lowerScalar(d, input, ctx)),
    span: spanOf(node, ctx),
    schema,
  };
}
