// The page of what runs beside the analytics rules: Defender custom-detection alerts and summary
// rules with their bins and summarized rows. Helpers come from app.ts (one DOM toolkit for the UI).
import type { DetectionAlert, DetectionHealth } from '../../detection/custom-detections.js';
import type { SummaryRuleStatus } from '../../detection/summary-rules.js';

type Child = Node | string | number | null | undefined;

export interface PageKit {
  h: (tag: string, attrs?: Record<string, string>, ...children: Child[]) => HTMLElement;
  api: <T>(path: string) => Promise<T>;
  table: (columns: string[], rows: Child[][], caption?: string) => HTMLElement;
  show: (...children: Child[]) => void;
}

interface SummaryRuleView extends SummaryRuleStatus {
  columns: string[];
  rows: Record<string, unknown>[];
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export async function detectionsPage({ h, api, table, show }: PageKit): Promise<void> {
  const [{ detections, alerts }, summaries] = await Promise.all([
    api<{ detections: DetectionHealth[]; alerts: DetectionAlert[] }>('detections'),
    api<SummaryRuleView[]>('summary-rules'),
  ]);
  const entities = (a: DetectionAlert) =>
    a.entities.map((e) => `${e.type}: ${Object.values(e.identifiers).join(' / ')}`).join('; ');
  show(
    h('h1', {}, 'Custom detections and summary rules'),
    h(
      'section',
      { 'aria-labelledby': 'detection-alerts' },
      h('h2', { id: 'detection-alerts' }, 'Custom detection alerts (Defender XDR)'),
      alerts.length === 0
        ? h('p', {}, 'No custom-detection alerts yet. Inject a custom-detection attack to raise one.')
        : table(
            ['Time', 'Alert', 'Severity', 'Detection', 'Tactics', 'Entities'],
            alerts.map((a) => [
              a.generatedAt,
              h('span', { 'data-detection-alert': a.detectionId }, a.title),
              h('span', { class: `sev-${a.severity}` }, a.severity),
              a.detectionName,
              a.tactics.join(', '),
              entities(a),
            ]),
          ),
      table(
        ['Detection', 'Frequency', 'Last run', 'Rows', 'Alerts', 'Error'],
        detections.map((d) => [
          d.name,
          d.frequency,
          d.lastRun ?? '',
          d.lastResultRows ?? '',
          d.alerts,
          d.lastError ?? '',
        ]),
        'Custom detections',
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'summary-rules' },
      h('h2', { id: 'summary-rules' }, 'Summary rules'),
      summaries.length === 0 ? h('p', {}, 'No summary rules in kql/summary.') : null,
      ...summaries.map((s) =>
        h(
          'article',
          { 'data-summary-rule': s.name },
          h('h3', {}, `${s.displayName} → ${s.destinationTable}`),
          h(
            'p',
            { class: 'muted' },
            `bins of ${s.binSize} minutes; next bin ${s.nextBin.start} – ${s.nextBin.end}, runs at ${s.nextBin.runsAt}`,
          ),
          table(
            ['Bin start', 'Bin end', 'Ran at', 'Rows', 'Error'],
            s.bins.map((b) => [b.binStart, b.binEnd, b.executedAt, b.rows, b.error ?? '']),
            'Last bins',
          ),
          s.rows.length === 0
            ? h('p', {}, `No rows in ${s.destinationTable} yet.`)
            : table(
                s.columns,
                s.rows.map((row) => s.columns.map((c) => cell(row[c]))),
                `Latest rows of ${s.destinationTable}`,
              ),
        ),
      ),
    ),
  );
}
