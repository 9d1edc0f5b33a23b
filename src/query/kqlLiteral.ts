/**
 * A KQL string literal. Kusto double-quoted literals take backslash escapes for the quote, the backslash
 * itself, \t, \n and \r; newline and return must be escaped
 * (learn.microsoft.com/kusto/query/scalar-data-types/string).
 */
export function stringLiteral(text: string): string {
  return `"${text.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] as string)}"`;
}

/**
 * A string literal for an untrusted value (an incident's entities). Other control characters have no
 * escape, so they are refused rather than passed into query text.
 */
export function kqlString(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) {
    throw new Error('value contains a control character that a KQL string literal cannot carry');
  }
  return stringLiteral(value);
}
