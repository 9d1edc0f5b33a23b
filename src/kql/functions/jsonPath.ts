/**
 * extract_json()/extractjson(): a JSONPath query into JSON text, optionally converted to a type
 * (https://learn.microsoft.com/kusto/query/extract-json-function). The path subset is the one
 * the JSONPath page lists: `$`, child by `.name` or `['name']`, and array subscripts `[n]`;
 * wildcards, recursion, unions and slices are not supported by Kusto and are refused here.
 */
import {
  convertInQuery,
  isBag,
  type Json,
  JsonWhole,
  type KqlType,
  readJsonText,
  UnsupportedError,
  type Value,
} from '../values/index.js';
import type { FunctionTable, ScalarImpl } from './types.js';

type Step = string | number;

const STEP =
  /\.([A-Za-z_$@][\w$@-]*)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*(\d+)\s*\]/y;

const cache = new Map<string, Step[]>();

function parsePath(path: string): Step[] {
  const cached = cache.get(path);
  if (cached) return cached;
  if (!path.startsWith('$')) throw new UnsupportedError(`extract_json with the JSONPath '${path}'`);
  const steps: Step[] = [];
  let at = 1;
  while (at < path.length) {
    STEP.lastIndex = at;
    const m = STEP.exec(path);
    if (!m) throw new UnsupportedError(`extract_json with the JSONPath '${path}'`);
    const quoted = m[2] ?? m[3];
    steps.push(
      m[4] !== undefined ? Number(m[4]) : quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : m[1],
    );
    at = STEP.lastIndex;
  }
  if (cache.size > 1000) cache.clear();
  cache.set(path, steps);
  return steps;
}

function select(root: Json, steps: Step[]): Json | undefined {
  let node: Json | undefined = root;
  for (const step of steps) {
    if (node === null || node === undefined || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      if (typeof step !== 'number') return undefined;
      node = node[step];
    } else {
      // A whole real (`2.0`, a JsonWhole) is an object too, but no bag.
      if (typeof step !== 'string' || !isBag(node) || !Object.hasOwn(node, step)) return undefined;
      node = node[step];
    }
  }
  return node;
}

/**
 * The selected element as the requested type. Kusto extracts a string and converts it; how it
 * writes a non-string element (object indentation, bool capitalisation, real formatting) is not
 * documented, so only strings, whole numbers and typed conversions of scalars are answered.
 */
function typed(element: Json | undefined, type: KqlType): Value {
  if (element === undefined || element === null) return type === 'string' ? '' : null;
  if (type === 'dynamic') return element;
  if (typeof element === 'string') return convertInQuery(element, type, `extract_json() to typeof(${type})`);
  if (typeof element === 'number' && (type !== 'string' || Number.isSafeInteger(element)))
    return convertInQuery(element, type, `extract_json() to typeof(${type})`);
  // A whole number written `2.0` converts by its value; its text (`2` or `2.0`) is not settled.
  if (element instanceof JsonWhole && type !== 'string')
    return convertInQuery(element.value, type, `extract_json() to typeof(${type})`);
  if (typeof element === 'boolean' && type === 'bool') return element;
  throw new UnsupportedError(
    'extract_json()',
    `extract_json() of a ${Array.isArray(element) ? 'array' : typeof element} element as ${type} is not supported: the text Kusto extracts for it is not documented`,
  );
}

const extractJson: ScalarImpl = ([path, source], _types, resultType) => {
  // An empty string is Kusto's null string: there is no document to query.
  if (typeof path !== 'string' || typeof source !== 'string' || source === '')
    return typed(undefined, resultType);
  const steps = parsePath(path);
  const root = readJsonText(source, 'extract_json()');
  if (root === undefined)
    throw new UnsupportedError(
      'extract_json()',
      'extract_json() of text that is not valid JSON is not documented',
    );
  return typed(select(root, steps), resultType);
};

export const jsonPathFunctions: FunctionTable = { extract_json: extractJson, extractjson: extractJson };
