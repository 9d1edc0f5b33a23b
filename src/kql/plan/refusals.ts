/**
 * Why the engine refuses constructs Kusto runs: each reason names what the construct's documentation
 * page (https://learn.microsoft.com/kusto/query/<name>) leaves open, so an answer would be a guess.
 * Keyed by the refused construct as errors name it (`series_fir()`, `evaluate basket`). NOTES.md
 * ("Issue 11, session 5") lists the same constructs with more detail.
 */
const TDIGEST =
  "its value is Kusto's t-digest sketch, whose encoding and centroid compression are not documented";
const UNDOCUMENTED_SCORE =
  'its page gives the scores of one example (0.84) without the formula that computes them';
const TWO_LINES =
  "its page does not define the total r-square it maximises, which side the split index belongs to, the smallest segment, or the right line's x origin";
const COMPRESS =
  "its output bytes depend on the compressor's settings, which are not documented (its page's one output is an uncompressed stored block); decompressing its result in the same expression is answered";
const MINING =
  'its page names the algorithm family but not the exact search, ordering and tie-breaking that decide which rows come out';

const REASONS: Record<string, string> = {
  'series_fir()':
    'its page does not say what the filter reads before the first element, nor how center=true aligns a filter of even length',
  'series_outliers()':
    "its page does not give the score formula ('ctukey' custom percentiles, 'tukey' scaling; its example's two sides scale differently)",
  'series_periods_detect()': UNDOCUMENTED_SCORE,
  'series_periods_validate()': UNDOCUMENTED_SCORE,
  'series_fit_2lines()': TWO_LINES,
  'series_fit_2lines_dynamic()': TWO_LINES,
  'evaluate dcount_intersect':
    'its sketch arguments come from hll(), whose stand-in the engine keeps to dcount_hll() and hll_merge()',
  'tdigest()': TDIGEST,
  'tdigest_merge()': TDIGEST,
  'merge_tdigest()': TDIGEST,
  'percentile_tdigest()': `it reads ${TDIGEST.replace('its value is ', '')}`,
  'percentiles_array_tdigest()': `it reads ${TDIGEST.replace('its value is ', '')}`,
  'percentrank_tdigest()': `it reads ${TDIGEST.replace('its value is ', '')}`,
  'buildschema()':
    "it prints 'long' or 'double' for a JSON number by how it was written (1 vs 1.0), and a type for a string Kusto parsed as a datetime, real, long or guid (dynamic page), neither of which the engine's dynamic values keep",
  'gzip_compress_to_base64_string()': COMPRESS,
  'zlib_compress_to_base64_string()': COMPRESS,
  'evaluate session_count':
    'its page shows a chart only and does not say when a session continues across bins or how the lookback is counted',
  'evaluate funnel_sequence':
    'it returns three tables (the engine returns one), and its page leaves open how repeated states and the step window count',
  'evaluate funnel_sequence_completion':
    'its page leaves open whether other states between two steps break the sequence, how repeated states count, and whether a period or bin edge is inclusive',
  'evaluate activity_engagement':
    'its page gives outputs of sample tables only and leaves the window edges open',
  'evaluate basket': `${MINING} (Apriori over a sample of the rows, whose results can differ between runs)`,
  'evaluate autocluster': MINING,
  'evaluate diffpatterns': MINING,
  'evaluate diffpatterns_text': MINING,
};

/** The reason a construct is refused, when one is recorded. */
export function refusalReason(construct: string): string | undefined {
  return Object.hasOwn(REASONS, construct) ? REASONS[construct] : undefined;
}

/** `<construct> is not supported by the embedded KQL engine`, with the recorded reason if any. */
export function notSupported(construct: string, label = construct): string {
  const reason = refusalReason(construct);
  return `${label} is not supported by the embedded KQL engine${reason ? `: ${reason}` : ''}`;
}
