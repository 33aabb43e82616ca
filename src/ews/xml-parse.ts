// Namespace-aware XML parsing of request bodies into a small element tree, with hard limits.
// saxes does the XML (well-formedness, namespaces); this file refuses DTDs and bounds the tree.
import { SaxesParser } from 'saxes';

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

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 32, maxElements: 20_000, maxTextLength: 65_536 };

export class XmlRejected extends Error {
  override readonly name = 'XmlRejected';
}

/** Parses a whole document; throws XmlRejected for malformed XML, DTDs or limits exceeded. */
export function parseXml(source: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  // No line/column tracking: it costs on every character, and fault texts do not quote positions.
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let failure: string | undefined;

  parser.on('doctype', () => {
    throw new XmlRejected('DTDs are not allowed');
  });
  parser.on('processinginstruction', (pi) => {
    // An xml-stylesheet or similar PI is harmless but never legitimate in EWS; refuse to keep input narrow.
    throw new XmlRejected(`processing instruction '${pi.target.slice(0, 40)}' is not allowed`);
  });
  parser.on('error', (err) => {
    failure ??= err.message;
    throw new XmlRejected(err.message);
  });
  parser.on('opentag', (tag) => {
    if (++count > limits.maxElements) throw new XmlRejected(`more than ${limits.maxElements} elements`);
    if (stack.length >= limits.maxDepth) throw new XmlRejected(`nesting deeper than ${limits.maxDepth}`);
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      if (a.value.length > limits.maxTextLength) throw new XmlRejected('attribute value too long');
      attrs[a.uri ? `{${a.uri}}${a.local}` : a.local] = a.value;
    }
    const el: XmlElement = { ns: tag.uri, local: tag.local, attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (!top) return; // whitespace outside the root element
    if (top.text.length + t.length > limits.maxTextLength) throw new XmlRejected('text node too long');
    top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  try {
    parser.write(source).close();
  } catch (err) {
    if (err instanceof XmlRejected) throw err;
    throw new XmlRejected(failure ?? (err instanceof Error ? err.message : 'malformed XML'));
  }
  if (!root) throw new XmlRejected('no root element');
  return root;
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
