/**
 * Why the engine refuses constructs Kusto runs, keyed by the construct as errors name it: `name()` for
 * a scalar or aggregate function (by Kusto.Language's symbol name), `evaluate name` for a plugin, the
 * operator's keyword (`reduce`, `top-hitters`) for a query operator. Each reason says what the
 * construct's documentation page (https://learn.microsoft.com/kusto/query/<name>) leaves open, what the
 * local engine cannot have, or that the construct is not implemented yet; an answer would be a guess.
 * Every Kusto.Language function, aggregate, plugin and query operator the engine does not run has an
 * entry here (test/kql/refusal-list.test.ts keeps that true); `npx tsx scripts/list-refusals.ts` prints
 * this table together with the refusals that depend on arguments or data.
 */
const TDIGEST =
  "its value is Kusto's t-digest sketch, whose encoding and centroid compression are not documented";
const READS_TDIGEST = `it reads ${TDIGEST.replace('its value is ', '')}`;
const UNDOCUMENTED_SCORE =
  'its page gives the scores of one example (0.84) without the formula that computes them';
const TWO_LINES =
  "its page does not define the total r-square it maximises, which side the split index belongs to, the smallest segment, or the right line's x origin";
const COMPRESS =
  "its output bytes depend on the compressor's settings, which are not documented (its page's one output is an uncompressed stored block); decompressing its result in the same expression is answered";
const MINING =
  'its page names the algorithm family but not the exact search, ordering and tie-breaking that decide which rows come out';
const OUTSIDE =
  'it names a cluster, database, external table, materialized view, entity group, stored query result or graph model outside the workspace, which the local catalog does not hold';
const SERVICE =
  'it reads the cluster, database, principal, storage extent or cursor the query runs on, which a local engine does not have';
const HIDDEN = 'an internal function Kusto.Language declares hidden, with no documentation page';
const NO_PAGE = 'Kusto.Language declares it but no current documentation page describes it';
const EXTERNAL =
  'it sends a request to a service outside the query (a database, an HTTP endpoint, an AI model, Azure Digital Twins or storage), which a local run must not do';
const SANDBOX =
  "it runs user code in the service's language sandbox (runtime and package versions), which the engine does not have";
const GEOMETRY_LIBRARY =
  'its result is a geometry computed by the service’s geometry library (vertex choice and order, tolerance handling, covering), which its page does not specify';
const GRAPH_FUNCTION =
  'not implemented: graph-match and graph-shortest-paths run only node and edge properties, map(), all(), any(), inner_nodes() and node_degree_in/out() (its page defines it; the engine does not have it yet)';
const SEVERAL_TABLES = 'it returns several result tables (or none), and a query here returns one';

const REASONS: Record<string, string> = {
  // Series functions.
  'series_fir()':
    'its page does not say what the filter reads before the first element, nor how center=true aligns a filter of even length, and it says both that negative coefficients with normalize unset give null and that normalize is then assumed false; its examples print charts only',
  'series_outliers()':
    "its page does not give the score formula ('ctukey' custom percentiles, 'tukey' scaling; its example's two sides scale differently)",
  'series_periods_detect()': UNDOCUMENTED_SCORE,
  'series_periods_validate()': UNDOCUMENTED_SCORE,
  'series_fit_2lines()': TWO_LINES,
  'series_fit_2lines_dynamic()': TWO_LINES,
  'series_fft()':
    'not implemented: its page defines the discrete Fourier transform, but its reals would have to match the service’s FFT operation order to the last digit, which the page does not give',
  'series_ifft()':
    'not implemented: its page defines the inverse discrete Fourier transform, but its reals would have to match the service’s FFT operation order to the last digit, which the page does not give',
  'series_decompose_forecast()':
    'its page does not say what the result holds for the points used for learning, nor how the seasonal component is carried into the forecast points; its default seasonality (-1) comes from series_periods_detect, whose score formula is not documented; its one example is a chart of random data',
  'welch_test()':
    "its page prints its one example's p-value to two digits only (0.021, Wikipedia's two-sided value), so the precision of the t-distribution it uses for the other digits is unknown, and it does not describe counts below 2 or zero variances",
  // Sketches the engine does not reproduce.
  'tdigest()': TDIGEST,
  'tdigest_merge()': TDIGEST,
  'merge_tdigest()': TDIGEST,
  'percentile_tdigest()': READS_TDIGEST,
  'percentiles_array_tdigest()': READS_TDIGEST,
  'percentrank_tdigest()': READS_TDIGEST,
  'rank_tdigest()': READS_TDIGEST,
  'buildschema()':
    "it prints 'long' or 'double' for a JSON number by how it was written (1 vs 1.0), and a type for a string Kusto parsed as a datetime, real, long or guid (dynamic page), neither of which the engine's dynamic values keep",
  'gzip_compress_to_base64_string()': COMPRESS,
  'zlib_compress_to_base64_string()': COMPRESS,
  // Strings, hashes, versions.
  'parse_user_agent()':
    'its page lists the output fields but not the parsing rules (the user-agent pattern database and its version)',
  'hash_combine()': 'its page does not document how the hash values are combined',
  'hash_many()': 'its page does not document how the values’ hashes are combined',
  'datetime_list_timezones()':
    'its result is the service’s list of time zones, which depends on the service’s time-zone database version; the engine’s comes from Node’s ICU and may differ',
  'new_guid()': 'its result is random by design',
  'rand()': 'its result is random by design, and rule tests must be deterministic',
  'geo_info_from_ip_address()':
    "it needs Microsoft's IP geolocation data, which the embedded engine does not have",
  'convert_temperature()':
    "its page's only example, convert_temperature(1.2, 'Kelvin', 'DegreeCelsius'), prints 0.00439319055464031 (1.2 / 273.15), not the -271.95 of an affine conversion, so how the service converts temperatures cannot be derived",
  'array_strcat()': `${NO_PAGE} (strcat_array() is the documented function and is answered)`,
  'set_equals()': NO_PAGE,
  'treepath()':
    "its examples show an array listed as the path to it and [0] for every element, with an object inside an array descended into; they do not show whether a nested bag's own path is listed, which key order is used (they are both sorted and in insertion order), whether paths repeated by several array elements are kept, or how a key with a quote is escaped",
  'column_names_of()': NO_PAGE,
  'bin_auto()':
    "its bin size and origin come from the query_bin_auto_size and query_bin_auto_at request properties; answered only where the query sets them with `set` statements (size and fixed point of the value's kind)",
  // Geo functions beyond points, distances, geohash, S2 cells and H3 cells.
  // Graph functions.
  'node_id()': GRAPH_FUNCTION,
  'labels()': GRAPH_FUNCTION,
  // What a local engine does not have.
  'cluster()': OUTSIDE,
  'database()': OUTSIDE,
  'external_table()': OUTSIDE,
  'materialized_view()': OUTSIDE,
  'entity_group()': OUTSIDE,
  'stored_query_result()': OUTSIDE,
  'graph()': OUTSIDE,
  'current_cluster_endpoint()': SERVICE,
  'current_database()': SERVICE,
  'current_principal()': SERVICE,
  'current_principal_details()': SERVICE,
  'current_principal_is_member_of()': SERVICE,
  'extent_id()': SERVICE,
  'extent_tags()': SERVICE,
  'row_id()': SERVICE,
  'cursor_after()': SERVICE,
  'cursor_before_or_at()': SERVICE,
  'cursor_current()': SERVICE,
  'current_node_id()': HIDDEN,
  'rowstore_ordinal_range()': HIDDEN,
  '__lz4_compress_dynamic_array_to_base64_string()': HIDDEN,
  '__hash_crc32()': HIDDEN,
  '__hash_djb2()': HIDDEN,
  '__hash_xxh64()': HIDDEN,
  '__hash_many_crc32()': HIDDEN,
  '__hll_normalize()': HIDDEN,
  'hll_isvalid()': HIDDEN,
  'tdigest_isvalid()': HIDDEN,
  'iscolumnexists()': HIDDEN,
  '__geo_polygon_s2cell_covering_level()': HIDDEN,
  '__geo_polygon_validate()': HIDDEN,
  '__geo_line_s2cell_covering_level()': HIDDEN,
  '__geo_line_validate()': HIDDEN,
  '__geo_length_to_s2cell_level()': HIDDEN,
  '__ipv6_lookup_ranges()': HIDDEN,
  '__invoke()': HIDDEN,
  '__cast()': HIDDEN,
  'make_dictionary()': HIDDEN,
  'passthrough()': HIDDEN,
  // Plugins.
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
  'evaluate ipv6_lookup':
    "its page prints the lookup table's columns before the source's, where the ipv4_lookup page and Kusto.Language put the source's first: the column order is not settled",
  'evaluate geo_polygon_lookup':
    'not implemented: a lookup of each point in a table of polygons; the engine has geo_point_in_polygon() but not the plugin',
  'evaluate geo_line_lookup':
    'not implemented: a lookup of each point against a table of lines within a distance; the engine does not have the plugin',
  'evaluate preview': SEVERAL_TABLES,
  'evaluate estimate_rows_count': NO_PAGE,
  'evaluate external_datatable': NO_PAGE,
  'evaluate identity': NO_PAGE,
  'evaluate identity_v3': NO_PAGE,
  'evaluate execute_show_command': SERVICE,
  'evaluate execute_query': EXTERNAL,
  'evaluate azure_digital_twins_query_request': EXTERNAL,
  'evaluate cosmosdb_sql_request': EXTERNAL,
  'evaluate http_request': EXTERNAL,
  'evaluate http_request_post': EXTERNAL,
  'evaluate sql_request': EXTERNAL,
  'evaluate mysql_request': EXTERNAL,
  'evaluate postgresql_request': EXTERNAL,
  'evaluate dax_request': EXTERNAL,
  'evaluate infer_storage_schema': EXTERNAL,
  'evaluate infer_storage_schema_with_suggestions': EXTERNAL,
  'evaluate ai_embed_text': EXTERNAL,
  'evaluate ai_embeddings': EXTERNAL,
  'evaluate ai_chat_completion': EXTERNAL,
  'evaluate ai_chat_completion_prompt': EXTERNAL,
  'evaluate csharp': SANDBOX,
  'evaluate python': SANDBOX,
  'evaluate r': SANDBOX,
  // Query operators.
  search: 'search scans every table; name the table and use where/has instead',
  find: 'find scans every table; name the table and use where/has instead',
  reduce:
    "its page says the algorithm is 'largely based on' Vaarandi's SLCT and does not define how a pattern is chosen, which value is the representative, or when rows fall into 'others'",
  sample: 'its rows are chosen at random by design',
  'sample-distinct': 'its values are chosen at random by design',
  'top-hitters': 'its counts are a Count-Min sketch estimate whose sizing and hashing its page does not give',
  facet: SEVERAL_TABLES,
  fork: SEVERAL_TABLES,
  consume: SEVERAL_TABLES,
  'macro-expand': OUTSIDE,
  'execute-and-cache': HIDDEN.replace('function', 'operator'),
  'project-by-names': NO_PAGE,
  'partition-by': NO_PAGE,
  'assert-schema': NO_PAGE,
  'graph-mark-components':
    'its page says each component index is chosen arbitrarily; a graph operator runs here only directly after make-graph',
  'graph-where-nodes':
    'not implemented: a graph operator runs here only directly after make-graph (graph-match, graph-shortest-paths, graph-to-table)',
  'graph-where-edges':
    'not implemented: a graph operator runs here only directly after make-graph (graph-match, graph-shortest-paths, graph-to-table)',
};

/** The reason a construct is refused, when one is recorded. */
export function refusalReason(construct: string): string | undefined {
  return Object.hasOwn(REASONS, construct) ? REASONS[construct] : undefined;
}

/** Every construct with a recorded reason, as [construct, reason], for the refusal list. */
export function refusalReasons(): [string, string][] {
  return Object.entries(REASONS);
}

/** `<construct> is not supported by the embedded KQL engine`, with the recorded reason if any. */
export function notSupported(construct: string, label = construct): string {
  const reason = refusalReason(construct);
  return `${label} is not supported by the embedded KQL engine${reason ? `: ${reason}` : ''}`;
}
