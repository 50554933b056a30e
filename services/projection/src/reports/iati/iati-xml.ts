/**
 * A tiny XML writer: elements as plain objects, rendered with every text and attribute escaped. No DOM library is
 * installed, and string concatenation at each call site is where escaping bugs hide, so every byte of output goes
 * through here.
 */

export type AttrValue = string | number | boolean | null | undefined;

export interface XmlElement {
  name: string;
  attrs: Record<string, AttrValue>;
  children: XmlChild[];
}
export type XmlChild = XmlElement | string;

// XML 1.0 names, restricted to what this writer needs (ASCII, with one optional prefix such as xml:lang).
const NAME = /^[A-Za-z_][A-Za-z0-9._-]*(:[A-Za-z_][A-Za-z0-9._-]*)?$/;
// Characters XML 1.0 cannot carry at all, even escaped: C0 controls but tab, newline and carriage return,
// lone surrogates, U+FFFE and U+FFFF. User text could hold them; dropping them keeps the document well formed.
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point: they are removed
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text content with &, < and > escaped (> too, so "]]>" can never appear) and characters XML forbids dropped. */
export function escapeText(text: string): string {
  return text.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value for double quotes; tab, newline and carriage return as references, or parsers would turn them into spaces. */
export function escapeAttr(value: string): string {
  return escapeText(value)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** An element; attributes that are null or undefined are left out, children that are null, undefined or false are skipped. */
export function el(
  name: string,
  attrs: Record<string, AttrValue> = {},
  ...children: Array<XmlChild | XmlChild[] | null | undefined | false>
): XmlElement {
  if (!NAME.test(name)) throw new Error(`not an XML element name: ${name}`);
  for (const key of Object.keys(attrs)) if (!NAME.test(key)) throw new Error(`not an XML attribute name: ${key}`);
  return {
    name,
    attrs,
    children: children.flat().filter((c): c is XmlChild => c !== null && c !== undefined && c !== false),
  };
}

function attrText(value: Exclude<AttrValue, null | undefined>): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`not a number XML can carry: ${value}`);
  return escapeAttr(String(value));
}

function renderElement(e: XmlElement, indent: string, out: string[]): void {
  const attrs = Object.entries(e.attrs)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => ` ${k}="${attrText(v as Exclude<AttrValue, null | undefined>)}"`)
    .join('');
  if (e.children.length === 0) {
    out.push(`${indent}<${e.name}${attrs}/>`);
    return;
  }
  // Elements holding text are written on one line: indenting inside them would change the text.
  if (e.children.every((c) => typeof c === 'string')) {
    out.push(`${indent}<${e.name}${attrs}>${(e.children as string[]).map(escapeText).join('')}</${e.name}>`);
    return;
  }
  out.push(`${indent}<${e.name}${attrs}>`);
  for (const c of e.children) {
    if (typeof c === 'string') out.push(`${indent}  ${escapeText(c)}`);
    else renderElement(c, `${indent}  `, out);
  }
  out.push(`${indent}</${e.name}>`);
}

/** A whole UTF-8 document: the XML declaration and the root element, indented by two spaces, ending with a newline. */
export function renderXml(root: XmlElement): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  renderElement(root, '', out);
  return `${out.join('\n')}\n`;
}
