import { describe, expect, it } from 'vitest';
import { configFrom } from '../config/test-support.js';
import { child, parseXml as parseWith, xmlLimits, XmlRejected } from './xml-parse.js';

/** The parser with the limits of the default configuration. */
const parseXml = (source: string) => parseWith(source, xmlLimits(configFrom().limits));

describe('parseXml', () => {
  it('resolves prefixes and default namespaces to URIs', () => {
    const a = parseXml('<a:root xmlns:a="urn:x"><a:kid>1</a:kid></a:root>');
    const b = parseXml('<root xmlns="urn:x"><kid>1</kid></root>');
    for (const r of [a, b]) {
      expect(r).toMatchObject({ ns: 'urn:x', local: 'root' });
      expect(child(r, 'urn:x', 'kid')?.text).toBe('1');
    }
    expect(child(a, 'urn:other', 'kid')).toBeUndefined();
  });

  it('refuses DTDs, so entity expansion and external entities never happen', () => {
    const laughs = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>';
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
    expect(() => parseXml(laughs)).toThrow(XmlRejected);
    expect(() => parseXml(xxe)).toThrow(/DTD/);
  });

  it('refuses undefined entities and malformed documents', () => {
    expect(() => parseXml('<r>&nope;</r>')).toThrow(XmlRejected);
    expect(() => parseXml('<r><a></r>')).toThrow(XmlRejected);
    expect(() => parseXml('')).toThrow(XmlRejected);
    expect(() => parseXml('<r/><r/>')).toThrow(XmlRejected);
    expect(() => parseXml('<p:r/>')).toThrow(XmlRejected);
  });

  it('bounds depth, element count and text length', () => {
    const deep = '<a>'.repeat(10_000) + '</a>'.repeat(10_000);
    expect(() => parseXml(deep)).toThrow(/nesting/);
    const wide = `<r>${'<x/>'.repeat(30_000)}</r>`;
    expect(() => parseXml(wide)).toThrow(/elements/);
    expect(() => parseXml(`<r>${'x'.repeat(70_000)}</r>`)).toThrow(/too long/);
    expect(() => parseXml(`<r a="${'x'.repeat(70_000)}"/>`)).toThrow(/too long/);
  });

  it('decodes predefined entities, character references and CDATA', () => {
    expect(parseXml('<r>a&amp;b&#x41;<![CDATA[<c>]]></r>').text).toBe('a&bA<c>');
  });
});
