import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alignmentTags } from './iati-codes.js';
import { el, escapeAttr, escapeText, renderXml } from './iati-xml.js';

const dir = mkdtempSync(join(tmpdir(), 'iati-xml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a real XML parser (xmllint) reads back from a document: the string value of an XPath expression. */
function readBack(xml: string, xpath: string): string {
  const file = join(dir, 'doc.xml');
  writeFileSync(file, xml);
  // xmllint ends what it prints with one newline of its own.
  return execFileSync('/usr/bin/xmllint', ['--nonet', '--xpath', xpath, file], { encoding: 'utf8' }).replace(/\n$/, '');
}

describe('escaping', () => {
  it('escapes markup characters in text, and > too so "]]>" cannot appear', () => {
    expect(escapeText('a & b < c > d "e" \'f\'')).toBe('a &amp; b &lt; c &gt; d "e" \'f\'');
    expect(escapeText('x]]>y')).toBe('x]]&gt;y');
    expect(escapeText('&amp;')).toBe('&amp;amp;');
  });
  it('escapes quotes and keeps tabs and line breaks of attributes as references', () => {
    expect(escapeAttr('say "hi" & <go>')).toBe('say &quot;hi&quot; &amp; &lt;go&gt;');
    expect(escapeAttr('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
  });
  it('drops characters XML 1.0 cannot carry and keeps every other one', () => {
    expect(escapeText('a\u0000b\u0007c\u001Fd\uFFFEe\uFFFF')).toBe('abcde');
    expect(escapeText('lone \uD800 high, lone \uDC00 low')).toBe('lone  high, lone  low');
    expect(escapeText('Tanger-Tétouan-Al Hoceïma, الرباط, 🇲🇦\t\n')).toBe('Tanger-Tétouan-Al Hoceïma, الرباط, 🇲🇦\t\n');
  });
});

describe('writing elements', () => {
  it('writes nested elements indented, text inline, empty ones self-closed, leaving out absent attributes and children', () => {
    const xml = renderXml(
      el(
        'root',
        { version: '2.03', missing: undefined, none: null },
        el('title', { 'xml:lang': 'fr' }, 'Migration & <droits>'),
        null,
        false,
        undefined,
        [el('value', { n: 12.5, ok: true }), el('value', { n: 0 })],
      ),
    );
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<root version="2.03">',
        '  <title xml:lang="fr">Migration &amp; &lt;droits&gt;</title>',
        '  <value n="12.5" ok="true"/>',
        '  <value n="0"/>',
        '</root>',
        '',
      ].join('\n'),
    );
  });
  it('refuses names that are not XML names and numbers XML cannot carry', () => {
    expect(() => el('a b')).toThrow(/element name/);
    expect(() => el('1a')).toThrow(/element name/);
    expect(() => el('a', { 'x"y': 1 })).toThrow(/attribute name/);
    expect(() => renderXml(el('a', { v: Number.NaN }))).toThrow(/number/);
    expect(() => renderXml(el('a', { v: Number.POSITIVE_INFINITY }))).toThrow(/number/);
  });
  it('gives a parser back exactly the text and attributes it was given, whatever they hold', () => {
    const nasty = 'Fondation "Orient" & <Occident> \'ok\' ]]> 80 % < 100 %\n\tnext line — اللاجئين 🇲🇦';
    const xml = renderXml(el('doc', { label: nasty }, el('text', {}, nasty)));
    expect(readBack(xml, 'string(/doc/@label)')).toBe(nasty);
    expect(readBack(xml, 'string(/doc/text)')).toBe(nasty);
  });
});

describe('alignment tags', () => {
  const render = (tags: ReturnType<typeof alignmentTags>) => renderXml(el('tags', {}, tags));
  it('tags SDG targets with vocabulary 3 and their goal with vocabulary 2, each once', () => {
    const xml = render(
      alignmentTags([
        { framework: 'sdg', code: '10.7' },
        { framework: 'sdg', code: '10.7' },
        { framework: 'sdg', code: '16.a' },
        { framework: 'sdg', code: '17' },
      ]),
    );
    expect(readBack(xml, 'count(/tags/tag)')).toBe('5');
    const pairs = [...xml.matchAll(/<tag vocabulary="(\d+)" code="([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(pairs).toEqual(['2:10', '2:16', '2:17', '3:10.7', '3:16.a']);
    expect(readBack(xml, 'string(/tags/tag[@code="10.7"]/narrative[@xml:lang="en"])')).toMatch(/migration/i);
  });
  it('tags Global Compact objectives and SNIA specific objectives in the reporting organisation vocabulary, told apart by their URI', () => {
    const xml = render(
      alignmentTags([
        { framework: 'snia', code: '16' },
        { framework: 'gcm', code: '10' },
        { framework: 'gcm', code: '7' },
      ]),
    );
    const tags = [...xml.matchAll(/<tag vocabulary="(\d+)" vocabulary-uri="([^"]+)" code="([^"]+)"/g)].map((m) => ({
      vocabulary: m[1],
      uri: m[2],
      code: m[3],
    }));
    expect(tags.map((t) => `${t.vocabulary}:${t.code}`)).toEqual(['99:7', '99:10', '99:16']);
    expect(tags[0]!.uri).toBe(tags[1]!.uri);
    expect(tags[2]!.uri).not.toBe(tags[0]!.uri);
    expect(readBack(xml, 'string(/tags/tag[@code="16"]/narrative[@xml:lang="fr"])')).toMatch(/traite/);
  });
});
