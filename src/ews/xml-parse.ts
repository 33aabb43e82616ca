// Namespace-aware XML parsing of request bodies into a small element tree, with hard limits.
// saxes does the XML (well-formedness, namespaces); this file refuses DTDs and bounds the tree.
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { RelayConfig } from '../config/schema.js';

export interface XmlElement {
  /** Namespace URI ('' when none). */
  ns: string;
  local: string;
  /** Attributes by local name (unqualified) or `{uri}local` (qualified). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
  /** Longest text node or attribute value, in characters. */
  maxTextLength: number;
}

/** Longest text node or attribute value accepted in a request (not a setting). */
const MAX_XML_TEXT_LENGTH = 65_536;

/** The parser limits of the configured request limits. */
export function xmlLimits(limits: RelayConfig['limits']): XmlLimits {
  return { maxDepth: limits.maxXmlDepth, maxElements: limits.maxXmlElements, maxTextLength: MAX_XML_TEXT_LENGTH };
}

export class XmlRejected extends Error {
  override readonly name = 'XmlRejected';
}

/** The tree under construction, with the limits it must stay within. */
class TreeBuilder {
  readonly stack: XmlElement[] = [];
  root: XmlElement | undefined;
  count = 0;
  failure: string | undefined;
  constructor(readonly limits: XmlLimits) {}
}

/**
 * The tree being built. saxes calls some handlers without `this` (text, close tag, error), so they find the tree
 * here. Kept as a slot rather than per instance: its lifetime is one parseXml call (set on entry, put back in
 * `finally`, so it is empty between calls and never holds a finished or abandoned tree); handlers bound per
 * parser would be properties added to the saxes instance, the slow dictionary mode described below.
 */
let building: TreeBuilder | undefined;

/**
 * saxes with the tree building as prototype methods. saxes keeps its event handlers as properties of the parser
 * object; `parser.on(...)` adds them one by one to a fresh instance, and past a handful of such additions V8
 * turns the (already large) parser object into a slow dictionary-mode object, which made every character read
 * 3-4 times slower (about 200 vs 70 us for Google's 2 KB request). Handlers found on the prototype add nothing
 * to the instance. The property names are saxes' own (`EVENT_NAME_TO_HANDLER_NAME` in saxes 6, pinned); the
 * parser tests fail if they ever stop being called.
 */
class TreeParser extends SaxesParser<{ xmlns: true; position: false }> {
  constructor() {
    // No line/column tracking: it costs on every character, and fault texts do not quote positions.
    super({ xmlns: true, position: false });
  }
}

function onText(t: string): void {
  const { stack, limits } = building!;
  const top = stack[stack.length - 1];
  if (!top) return; // whitespace outside the root element
  if (top.text.length + t.length > limits.maxTextLength) throw new XmlRejected('text node too long');
  top.text += t;
}

Object.assign(TreeParser.prototype as unknown as Record<string, unknown>, {
  doctypeHandler(): void {
    throw new XmlRejected('DTDs are not allowed');
  },
  piHandler(pi: { target: string }): void {
    // An xml-stylesheet or similar PI is harmless but never legitimate in EWS; refuse to keep input narrow.
    throw new XmlRejected(`processing instruction '${pi.target.slice(0, 40)}' is not allowed`);
  },
  errorHandler(err: Error): void {
    building!.failure ??= err.message;
    throw new XmlRejected(err.message);
  },
  openTagHandler(tag: SaxesTagNS): void {
    const tree = building!;
    const { limits, stack } = tree;
    if (++tree.count > limits.maxElements) throw new XmlRejected(`more than ${limits.maxElements} elements`);
    if (stack.length >= limits.maxDepth) throw new XmlRejected(`nesting deeper than ${limits.maxDepth}`);
    const attrs: Record<string, string> = {};
    for (const name in tag.attributes) {
      const a = tag.attributes[name]!;
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      if (a.value.length > limits.maxTextLength) throw new XmlRejected('attribute value too long');
      attrs[a.uri ? `{${a.uri}}${a.local}` : a.local] = a.value;
    }
    const el: XmlElement = { ns: tag.uri, local: tag.local, attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else tree.root = el;
    stack.push(el);
  },
  closeTagHandler(): void {
    building!.stack.pop();
  },
  textHandler: onText,
  cdataHandler: onText,
});

/** Parses a whole document; throws XmlRejected for malformed XML, DTDs or limits exceeded. */
export function parseXml(source: string, limits: XmlLimits): XmlElement {
  const tree = new TreeBuilder(limits);
  // Put back as found: a parse within a parse (none today) would leave the outer one its tree.
  const outer = building;
  building = tree;
  try {
    new TreeParser().write(source).close();
  } catch (err) {
    if (err instanceof XmlRejected) throw err;
    throw new XmlRejected(tree.failure ?? (err instanceof Error ? err.message : 'malformed XML'));
  } finally {
    building = outer;
  }
  if (!tree.root) throw new XmlRejected('no root element');
  return tree.root;
}

/** First child with this namespace URI and local name. */
export function child(el: XmlElement | undefined, ns: string, local: string): XmlElement | undefined {
  return el?.children.find((c) => c.local === local && c.ns === ns);
}

/** All children with this namespace URI and local name. */
export function children(el: XmlElement | undefined, ns: string, local: string): XmlElement[] {
  return el ? el.children.filter((c) => c.local === local && c.ns === ns) : [];
}

/** Trimmed text of the first matching child, or undefined when absent. */
export function childText(el: XmlElement | undefined, ns: string, local: string): string | undefined {
  const c = child(el, ns, local);
  return c ? c.text.trim() : undefined;
}
