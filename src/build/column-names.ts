/**
 * Log Analytics rules for the columns of a custom table: "Column names must start with a letter and
 * can consist of up to 45 alphanumeric characters and the characters _ and -. The following are
 * reserved column names: Type, TenantId, resource, resourceid, resourcename, resourcetype,
 * subscriptionid, tenanted." (https://learn.microsoft.com/azure/azure-monitor/logs/logs-ingestion-api-overview,
 * https://learn.microsoft.com/azure/azure-monitor/logs/custom-logs-migrate). A table declaring one is
 * refused when deployed, so build refuses it first.
 */
const RESERVED = new Set([
  'type',
  'tenantid',
  'resource',
  'resourceid',
  'resourcename',
  'resourcetype',
  'subscriptionid',
  'tenanted',
]);

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,44}$/;

/** Why Log Analytics refuses `name` as a custom table column, or undefined when it accepts it. */
export function customColumnNameProblem(name: string): string | undefined {
  if (RESERVED.has(name.toLowerCase())) return `'${name}' is a reserved column name in Log Analytics`;
  if (!NAME.test(name)) {
    return `column name '${name}' must start with a letter and have at most 45 letters, digits, '_' or '-'`;
  }
  return undefined;
}
