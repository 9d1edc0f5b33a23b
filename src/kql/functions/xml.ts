/**
 * parse_xml(): XML text to a dynamic value by the conversion table of its page
 * (https://learn.microsoft.com/kusto/query/parse-xml-function):
 *
 *   <e/>                         { "e": null }
 *   <e>text</e>                  { "e": "text" }
 *   <e name="value" />           { "e": { "@name": "value" } }
 *   <e name="value">text</e>     { "e": { "@name": "value", "#text": "text" } }
 *   <e> <a>text</a> <b>text</b> </e>   { "e": { "a": "text", "b": "text" } }
 *   <e> <a>text</a> <a>text</a> </e>   { "e": { "a": ["text", "text"] } }
 *   <e> text <a>text</a> </e>    { "e": { "#text": "text", "a": "text" } }
 *
 * Invalid XML and input over 1 MB give null; only elements, attributes and text are translated,
 * everything else (declaration, comments, processing instructions) is skipped.
 *
 * What the page leaves open is refused for the input that needs it, when it is evaluated (see
 * `undocumentedInput`), so XML made only of the cases above is answered exactly:
 * - text that looks like a number or a bool: the table keeps text as strings, but the page's own
 *   example prints `<value>118.0</value>` as the number 118.0, so which texts become numbers is open;
 * - an element with an end tag and nothing in it (`<e></e>`, `<e> </e>`), text with surrounding
 *   whitespace outside mixed content, several text pieces in one element, text after a child
 *   element, an element name repeated after another name (where its array goes);
 * - CDATA sections, DOCTYPE declarations (entity definitions), qualified names (`a:b`), and
 *   attribute values holding tabs or line breaks (XML normalizes those).
 * `xmlns` is an attribute of the element in the XML DOM the table speaks of, so it becomes `@xmlns`.
 */
import { type Json, undocumentedInput, type Value } from '../values/index.js';
import type { FunctionTable } from './types.js';

const MAX_BYTES = 1_048_576;
const PAGE = 'https://learn.microsoft.com/kusto/query/parse-xml-function';

/** The input is not well-formed XML: parse_xml answers null. */
class Malformed extends Error {}

function refuse(what: string): never {
  throw undocumentedInput('parse_xml()', `parse_xml() of XML with ${what}`, PAGE);
}

const NAME = /^[A-Za-z_:\u00C0-\uFFFF][A-Za-z0-9_.:\-\u00B7\u00C0-\uFFFF]*/;
const NUMBER_LIKE = /^[+-]?(\.?\d|0x|nan$|infinity$|∞)/i;
const BOOL_LIKE = /^(true|false)$/i;
const DECLARATION = /^<\?xml[\s?]/i;
// Characters XML 1.0 does not allow (its Char production), lone surrogates included.
const ILLEGAL = new RegExp(
  [
    '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]',
    '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])',
    '(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]',
  ].join('|'),
);
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

interface Element {
  name: string;
  attributes: [string, string][];
  /** Child elements and non-blank text, in document order. */
  content: ({ element: Element } | { text: string })[];
  /** Written `<e></e>` or `<e> </e>` rather than `<e/>`. */
  hasEndTag: boolean;
}

class Reader {
  private at = 0;

  constructor(private readonly src: string) {}

  parseDocument(): Element {
    if (ILLEGAL.test(this.src)) throw new Malformed();
    if (this.src.startsWith('\uFEFF')) this.at = 1;
    // The XML declaration may only open the document.
    if (DECLARATION.test(this.src.slice(this.at, this.at + 6))) this.skipPast('?>');
    this.skipMisc();
    if (!this.src.startsWith('<', this.at)) throw new Malformed();
    const root = this.element();
    this.skipMisc();
    if (this.at !== this.src.length) throw new Malformed();
    return root;
  }

  /** Whitespace, comments, processing instructions and the declaration around the root element. */
  private skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.src.startsWith('<?', this.at)) this.skipInstruction();
      else if (this.src.startsWith('<!--', this.at)) this.skipComment();
      else if (this.src.startsWith('<!DOCTYPE', this.at)) refuse('a DOCTYPE declaration');
      else return;
    }
  }

  private skipSpace(): void {
    while (this.at < this.src.length && /\s/.test(this.src[this.at])) this.at++;
  }

  /** A processing instruction; one named xml anywhere but at the start is not well-formed. */
  private skipInstruction(): void {
    if (DECLARATION.test(this.src.slice(this.at, this.at + 6))) throw new Malformed();
    this.skipPast('?>');
  }

  /** A comment; `--` inside one is not well-formed. */
  private skipComment(): void {
    const start = this.at + 4;
    this.skipPast('-->');
    if (this.src.slice(start, this.at - 3).includes('--')) throw new Malformed();
  }

  private skipPast(end: string): void {
    const found = this.src.indexOf(end, this.at);
    if (found < 0) throw new Malformed();
    this.at = found + end.length;
  }

  private name(): string {
    const match = NAME.exec(this.src.slice(this.at, this.at + 1024));
    if (!match) throw new Malformed();
    this.at += match[0].length;
    if (match[0].includes(':')) refuse(`the qualified name '${match[0]}'`);
    return match[0];
  }

  private element(): Element {
    this.at++; // '<'
    const name = this.name();
    const attributes: [string, string][] = [];
    for (;;) {
      const before = this.at;
      this.skipSpace();
      if (this.src.startsWith('/>', this.at)) {
        this.at += 2;
        return { name, attributes, content: [], hasEndTag: false };
      }
      if (this.src[this.at] === '>') {
        this.at++;
        break;
      }
      if (this.at === before) throw new Malformed();
      const attribute = this.name();
      this.skipSpace();
      if (this.src[this.at] !== '=') throw new Malformed();
      this.at++;
      this.skipSpace();
      const quote = this.src[this.at];
      if (quote !== '"' && quote !== "'") throw new Malformed();
      const end = this.src.indexOf(quote, this.at + 1);
      if (end < 0) throw new Malformed();
      const raw = this.src.slice(this.at + 1, end);
      if (raw.includes('<')) throw new Malformed();
      if (/[\t\n\r]/.test(raw)) refuse('an attribute value holding tabs or line breaks');
      if (attributes.some(([n]) => n === attribute)) throw new Malformed();
      attributes.push([attribute, decode(raw)]);
      this.at = end + 1;
    }
    const content: Element['content'] = [];
    for (;;) {
      const next = this.src.indexOf('<', this.at);
      if (next < 0) throw new Malformed();
      const text = this.src.slice(this.at, next);
      if (text.includes(']]>')) throw new Malformed();
      if (text.trim() !== '') content.push({ text: decode(text) });
      this.at = next;
      if (this.src.startsWith('</', this.at)) {
        this.at += 2;
        if (this.name() !== name) throw new Malformed();
        this.skipSpace();
        if (this.src[this.at] !== '>') throw new Malformed();
        this.at++;
        return { name, attributes, content, hasEndTag: true };
      }
      if (this.src.startsWith('<!--', this.at)) this.skipComment();
      else if (this.src.startsWith('<?', this.at)) this.skipInstruction();
      else if (this.src.startsWith('<![CDATA[', this.at)) refuse('a CDATA section');
      else if (this.src.startsWith('<!', this.at)) throw new Malformed();
      else content.push({ element: this.element() });
    }
  }
}

function decode(raw: string): string {
  return raw.replace(/&([^;&\s]*);?/g, (whole, entity: string) => {
    if (!whole.endsWith(';')) throw new Malformed();
    if (ENTITIES[entity]) return ENTITIES[entity];
    const code = /^#x([0-9a-f]+)$/i.exec(entity)?.[1] ?? /^#([0-9]+)$/.exec(entity)?.[1];
    if (code === undefined) throw new Malformed();
    const point = Number.parseInt(code, entity[1] === 'x' || entity[1] === 'X' ? 16 : 10);
    const character = point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : '\u0000';
    if (ILLEGAL.test(character)) throw new Malformed();
    return character;
  });
}

/** A text or attribute value the table keeps as a string: refused when it could be read as another type. */
function plain(text: string): string {
  if (NUMBER_LIKE.test(text) || BOOL_LIKE.test(text))
    refuse(
      `the value '${text}', which could be a number or a bool (the page's example converts '118.0' to a number)`,
    );
  return text;
}

function convert(e: Element): Json {
  const texts = e.content.filter((c): c is { text: string } => 'text' in c);
  const children = e.content.filter((c): c is { element: Element } => 'element' in c);
  if (texts.length > 1) refuse(`several text pieces in <${e.name}>`);
  if (texts.length === 1 && e.content[0] !== texts[0]) refuse(`text after a child element of <${e.name}>`);
  const text = texts[0]?.text;
  if (e.attributes.length === 0 && children.length === 0) {
    if (text === undefined) {
      if (e.hasEndTag) refuse(`an element written <${e.name}></${e.name}> with nothing in it`);
      return null;
    }
    if (text !== text.trim()) refuse(`text with surrounding whitespace in <${e.name}>`);
    return plain(text);
  }
  const out: { [key: string]: Json } = {};
  for (const [name, value] of e.attributes) out[`@${name}`] = plain(value);
  // Mixed content: the page's `<e> text <a>text</a> </e>` gives "#text": "text".
  if (text !== undefined) out['#text'] = plain(children.length > 0 ? text.trim() : text);
  if (text !== undefined && children.length === 0 && text !== text.trim())
    refuse(`text with surrounding whitespace in <${e.name}>`);
  let previous: string | undefined;
  for (const { element } of children) {
    const value = convert(element);
    const existing = out[element.name];
    // convert() never returns an array, so an array here is the list of a repeated element.
    if (!Object.hasOwn(out, element.name)) out[element.name] = value;
    else if (previous !== element.name) refuse(`<${element.name}> repeated after another element`);
    else if (Array.isArray(existing)) existing.push(value);
    else out[element.name] = [existing, value];
    previous = element.name;
  }
  return out;
}

function parseXml([xml]: Value[]): Value {
  if (typeof xml !== 'string' || Buffer.byteLength(xml, 'utf8') > MAX_BYTES) return null;
  let root: Element;
  try {
    root = new Reader(xml).parseDocument();
  } catch (error) {
    if (error instanceof Malformed) return null;
    throw error;
  }
  return { [root.name]: convert(root) };
}

export const xmlFunctions: FunctionTable = { parse_xml: parseXml };
