import type { Table } from '../../kql/index.js';
import type { Entity } from '../schedule/entities.js';

/**
 * A `<rule>.test.yaml` file, checked and resolved: fixture rows are engine tables with relative
 * times already applied to the case's `now`.
 */
export interface RuleTestFile<E = Expectation> {
  file: string;
  /** The rule under test: `rule:` in the test file, else the sibling `<name>.yaml`. */
  ruleFile: string;
  cases: RuleTestCase<E>[];
}

export interface RuleTestCase<E = Expectation> {
  name: string;
  /** Scheduled time T of the run, in ticks. */
  now: bigint;
  tables: FixtureTable[];
  /** What each `externaldata` URL stands for: the file's `externalData:` map, overridden by the case's. */
  externalData: ReadonlyMap<string, string>;
  expect: E;
  /** Where the case starts in the test file. */
  line: number;
  column: number;
}

export interface FixtureTable {
  name: string;
  table: Table;
  /** Per-row ingestion time from the `_IngestionTime` pseudo-column; undefined = TimeGenerated. */
  ingestion: (bigint | undefined)[];
}

export interface Expectation {
  alerts: number;
  incidents?: number;
  /** Checked in order against the first alerts. */
  alertDetails: ExpectedAlert[];
}

/** Every field is optional: only what a case lists is compared. */
export interface ExpectedAlert {
  name?: string;
  description?: string;
  severity?: string;
  tactics?: string[];
  /** Compared as a set with the alert's entities. */
  entities?: Entity[];
  /** A scalar expects exactly one value (`["12"]`); a list expects exactly those values. */
  customDetails?: Record<string, string | string[]>;
}

/** Pseudo-column a fixture row may carry to say when it reached the workspace (see schedule/window.ts). */
export const INGESTION_TIME_COLUMN = '_IngestionTime';
