/**
 * parse_command_line(command_line, "windows"): the arguments as CommandLineToArgvW splits them
 * (https://learn.microsoft.com/kusto/query/parse-command-line). The rules come from that API's
 * documentation: whitespace outside quotes separates arguments; 2n backslashes before a quote
 * give n backslashes and the quote opens or closes a quoted part; 2n+1 give n backslashes and a
 * literal quote; other backslashes are literal; the program name (first argument) ends at the
 * next whitespace, or at its closing quote when it starts with one, backslashes being literal.
 * What the API does with doubled quotes inside a quoted part, leading whitespace or an empty
 * line differs between Windows versions or is not documented, so those are refused.
 */
import { UnsupportedError } from '../values/index.js';
import { text } from './text.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const WHITESPACE = new Set([' ', '\t']);

function refuse(what: string): never {
  throw new UnsupportedError(
    'parse_command_line()',
    `parse_command_line() of ${what} is not supported: the Windows rule for it is not documented`,
  );
}

function programName(line: string): [string, number] {
  if (line[0] !== '"') {
    let end = 0;
    while (end < line.length && !WHITESPACE.has(line[end])) end++;
    return [line.slice(0, end), end];
  }
  const close = line.indexOf('"', 1);
  if (close < 0) return [line.slice(1), line.length];
  if (close + 1 < line.length && !WHITESPACE.has(line[close + 1]))
    refuse('a quoted program name followed by text');
  return [line.slice(1, close), close + 1];
}

function splitWindows(line: string): string[] {
  if (line === '' || WHITESPACE.has(line[0])) refuse('an empty line or leading whitespace');
  const [first, afterFirst] = programName(line);
  const args = [first];
  let i = afterFirst;
  while (i < line.length) {
    while (i < line.length && WHITESPACE.has(line[i])) i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    while (i < line.length && (quoted || !WHITESPACE.has(line[i]))) {
      const c = line[i];
      if (c === '\\') {
        let n = 0;
        while (line[i] === '\\') {
          n++;
          i++;
        }
        if (line[i] === '"') {
          arg += '\\'.repeat(n >> 1);
          if (n % 2 === 1) {
            arg += '"';
            i++;
          }
        } else {
          arg += '\\'.repeat(n);
        }
        continue;
      }
      if (c === '"') {
        if (quoted && line[i + 1] === '"') refuse('doubled quotes inside a quoted argument');
        quoted = !quoted;
        i++;
        continue;
      }
      arg += c;
      i++;
    }
    args.push(arg);
  }
  return args;
}

const parseCommandLine: ScalarImpl = ([line, parser], types) => {
  const kind = text(parser, types[1]);
  if (kind.toLowerCase() !== 'windows')
    throw new UnsupportedError(
      'parse_command_line()',
      `parse_command_line() with the parser '${kind}' (only "windows" is documented)`,
    );
  return splitWindows(text(line, types[0]));
};

export const commandLineFunctions: FunctionTable = { parse_command_line: parseCommandLine };
