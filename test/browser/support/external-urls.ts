/** The SVG namespace: an identifier in createElementNS calls and markup, never fetched. */
export const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

/** Every http(s) URL in `text` that is neither on `origin` nor the SVG namespace. */
export function externalUrls(text: string, origin: string): string[] {
  const found = text.match(/https?:\/\/[^\s"'`()<>\\]+/g) ?? [];
  return [...new Set(found.filter((url) => url !== SVG_NAMESPACE && !url.startsWith(`${origin}/`) && url !== origin))];
}

/**
 * Hosts that appear in the bundled vendor code (React, Monaco, GraphiQL, prettier, markdown-it)
 * only as inert strings: XML namespaces, JSON Schema identifiers, links in error and help texts.
 * None is loaded (the browser tests check every request, and the pages' CSP allows 'self' only);
 * a host new to this list after an upgrade deserves a look before it is added.
 */
export const INERT_VENDOR_HOSTS = new Set([
  'www.w3.org',
  'json-schema.org',
  'react.dev',
  'github.com',
  'code.visualstudio.com',
  'yarnpkg.com',
  'prettier.io',
  'en.wikipedia.org',
  'commonmark.org',
  'microsoft.com',
]);

/** URLs built at run time from text (markdown-it linkifying a description): no fixed host. */
const TEMPLATE_URL = /^https?:\/\/\$\{/;

export function unexpectedVendorUrls(text: string, origin: string): string[] {
  return externalUrls(text, origin).filter((url) => !TEMPLATE_URL.test(url) && !INERT_VENDOR_HOSTS.has(new URL(url).host));
}

/** Places where a URL would be fetched: CSS url()/@import, script and worker loading. */
export function loadingUrls(text: string): string[] {
  const patterns = [
    /url\(\s*["']?https?:\/\/[^)]*\)/g,
    /@import\s+["']?https?:\/\/[^;]*/g,
    /importScripts\(\s*["'`]https?:\/\/[^)]*\)/g,
    /new\s+(?:Shared)?Worker\(\s*["'`]https?:\/\/[^)]*\)/g,
    /\bimport\(\s*["'`]https?:\/\/[^)]*\)/g,
    /\bsrc\s*=\s*["']https?:\/\/[^"']*/g,
  ];
  return patterns.flatMap((pattern) => text.match(pattern) ?? []);
}
