// Test helper: validates whole SOAP responses, or bodies in the relay's own envelope, against the project's copy of
// the EWS XSDs (test/fixtures/ews/xsd, origins in its README) with libxml2 compiled to wasm. The one validator the
// tests use: a test with a body to check wraps it with expectBodyXsdValid rather than an envelope of its own.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';
import { soapEnvelope } from '../../src/ews/envelope.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The EWS schemas and client samples the tests use, carried in the repository. */
export const EWS_FIXTURES = join(here, '..', 'fixtures', 'ews');

export type SchemaFlavour = 'exchange-online' | 'exchange2010-sp2';

const wrapper = (flavour: SchemaFlavour) => `<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:calendar-relay:test-wrapper">
  <xs:import namespace="http://schemas.xmlsoap.org/soap/envelope/" schemaLocation="soap-envelope.xsd"/>
  <xs:import namespace="http://schemas.microsoft.com/exchange/services/2006/messages" schemaLocation="${flavour}/messages.xsd"/>
</xs:schema>`;

const preload = (() => {
  const read = (p: string) => readFileSync(p, 'utf8');
  return [
    { fileName: 'soap-envelope.xsd', contents: read(join(here, 'soap-envelope.xsd')) },
    { fileName: 'xml.xsd', contents: read(join(EWS_FIXTURES, 'xsd', 'xml.xsd')) },
    ...(['exchange-online', 'exchange2010-sp2'] as const).flatMap((f) => [
      { fileName: `${f}/messages.xsd`, contents: read(join(EWS_FIXTURES, 'xsd', f, 'messages.xsd')) },
      { fileName: `${f}/types.xsd`, contents: read(join(EWS_FIXTURES, 'xsd', f, 'types.xsd')) },
    ]),
  ];
})();

/**
 * Validates SOAP envelopes (strings) against the EWS schema; returns the error messages (empty = valid).
 * Batch several documents in one call: loading the 600 KB schema dominates the cost.
 */
async function xsdErrors(envelopes: string[], flavour: SchemaFlavour = 'exchange-online'): Promise<string[][]> {
  const result = await validateXML({
    xml: envelopes.map((contents, i) => ({ fileName: `doc${i}.xml`, contents })),
    schema: { fileName: `wrapper-${flavour}.xsd`, contents: wrapper(flavour) },
    preload,
    initialMemoryPages: 4096,
    maxMemoryPages: 16384,
  });
  const perDoc: string[][] = envelopes.map(() => []);
  for (const e of result.errors) {
    const m = /^doc(\d+)\.xml/.exec(e.loc?.fileName ?? e.rawMessage);
    const idx = m ? Number(m[1]) : 0;
    perDoc[idx]?.push(e.rawMessage);
  }
  if (!result.valid && perDoc.every((d) => d.length === 0)) perDoc[0]?.push(result.rawOutput || 'invalid');
  return perDoc;
}

/** Throws with libxml2's messages when any envelope is not schema-valid. */
export async function expectXsdValid(envelopes: string | string[], flavour: SchemaFlavour = 'exchange-online'): Promise<void> {
  const list = Array.isArray(envelopes) ? envelopes : [envelopes];
  const errors = await xsdErrors(list, flavour);
  const bad = errors.flatMap((e, i) => (e.length ? [`document ${i}:\n  ${e.join('\n  ')}\n${list[i]!.slice(0, 2000)}`] : []));
  if (bad.length) throw new Error(`EWS XSD (${flavour}) validation failed:\n${bad.join('\n')}`);
}

/**
 * expectXsdValid for body XML (using the m: and t: prefixes), each wrapped in the envelope the relay sends for
 * `flavour`: for writers tested without the HTTP layer.
 */
export async function expectBodyXsdValid(bodies: string | string[], flavour: SchemaFlavour = 'exchange-online'): Promise<void> {
  const list = Array.isArray(bodies) ? bodies : [bodies];
  await expectXsdValid(list.map((body) => soapEnvelope(body, flavour)), flavour);
}
