import type { Visualization } from '../plan/types.js';
import { kindName, list, text } from './context.js';

/**
 * The chart a `render` operator asks for. Properties come from `with (...)` or, in the older form the
 * Logs Query API documentation still shows (`render barchart title='…'`), straight after the chart type.
 */
export function lowerRender(node: any): Visualization {
  const visualization: Visualization = { visualization: String(node.ChartType.Text).toLowerCase() };
  for (const p of [...list(node.WithClause?.Properties), ...list(node.Parameters)]) {
    const value = p.Expression;
    const kind = kindName(value);
    visualization[String(p.Name.SimpleName).toLowerCase()] =
      kind === 'NameReferenceList'
        ? list(value.Names).map((n: any) => text(n))
        : kind === 'StringLiteralExpression'
          ? String(value.ConstantValue)
          : text(value);
  }
  return visualization;
}
