/**
 * `{{Column}}` placeholders in alertDisplayNameFormat / alertDescriptionFormat. The documented form
 * is a result column name "in double curly brackets", e.g. `{{AccountName}}`
 * (https://learn.microsoft.com/en-us/azure/sentinel/customize-alert-details). What Sentinel does
 * with anything else between the brackets (`{{ AccountName }}`, `{{}}`) is not documented, so
 * `validate` reports it and a rule run refuses it rather than guess either way.
 */
export interface Placeholder {
  /** Offset of `{{` in the format. */
  index: number;
  /** The whole placeholder, brackets included. */
  text: string;
  /** The column it names; undefined when the placeholder is not of the documented form. */
  column?: string;
}

const ANY_PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const COLUMN_NAME = /^\w+$/;

export function placeholders(format: string): Placeholder[] {
  return [...format.matchAll(ANY_PLACEHOLDER)].map((match) => ({
    index: match.index,
    text: match[0],
    column: COLUMN_NAME.test(match[1]) ? match[1] : undefined,
  }));
}

export function malformedPlaceholderMessage(text: string): string {
  return (
    `'${text}' is not a placeholder of the documented form {{ColumnName}} (a result column name, no spaces); ` +
    "Sentinel's handling of it is not documented"
  );
}
