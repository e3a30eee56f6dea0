/**
 * SQL macros the DuckDB engine installs on every connection. DuckDB's `inet` extension is not
 * bundled (and cannot be downloaded here), so address ranges are compared as fixed-width hex:
 * lexicographic order of equal-width lower-case hex equals numeric order.
 */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const H = '[0-9a-f]{1,4}';

export const DUCKDB_MACROS: readonly string[] = [
  `CREATE OR REPLACE MACRO tg_ipv4_hex(ip) AS CASE WHEN regexp_full_match(ip, '${OCTET}(\\.${OCTET}){3}') THEN ` +
    `printf('%02x%02x%02x%02x', CAST(split_part(ip, '.', 1) AS INTEGER), CAST(split_part(ip, '.', 2) AS INTEGER), ` +
    `CAST(split_part(ip, '.', 3) AS INTEGER), CAST(split_part(ip, '.', 4) AS INTEGER)) END`,
  `CREATE OR REPLACE MACRO tg_hex_groups(s) AS CASE WHEN s = '' THEN CAST([] AS VARCHAR[]) ELSE string_split(s, ':') END`,
  `CREATE OR REPLACE MACRO tg_ipv6_join(hg, tg) AS CASE WHEN len(hg) + len(tg) < 8 THEN array_to_string(list_transform(` +
    `list_concat(list_concat(hg, list_transform(range(8 - len(hg) - len(tg)), lambda i: '0')), tg), lambda g: lpad(g, 4, '0')), '') END`,
  // RFC 4291 section 2.2 text forms: eight groups, or fewer with one "::". Macros expand their
  // argument textually, so each binds it once through a one-element list_transform.
  `CREATE OR REPLACE MACRO tg_ipv6_plain_hex(ip) AS list_transform([ip], lambda s: CASE ` +
    `WHEN NOT regexp_full_match(s, '${H}(:${H}){7}|(${H}(:${H}){0,6})?::(${H}(:${H}){0,6})?') THEN NULL ` +
    `WHEN strpos(s, '::') > 0 THEN tg_ipv6_join(tg_hex_groups(split_part(s, '::', 1)), tg_hex_groups(split_part(s, '::', 2))) ` +
    `ELSE array_to_string(list_transform(string_split(s, ':'), lambda g: lpad(g, 4, '0')), '') END)[1]`,
  // ...and the forms ending in a dotted quad (::ffff:10.1.2.3), rewritten as two hex groups.
  `CREATE OR REPLACE MACRO tg_ipv6_hex(ip) AS tg_ipv6_plain_hex(list_transform([lower(ip)], lambda s: CASE WHEN strpos(s, '.') = 0 THEN s ` +
    `ELSE list_transform([tg_ipv4_hex(regexp_extract(s, '[^:]*$'))], lambda q: CASE WHEN q IS NOT NULL THEN ` +
    `regexp_extract(s, '^.*:') || substr(q, 1, 4) || ':' || substr(q, 5, 4) END)[1] END)[1])`,
];
