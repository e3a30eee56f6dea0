/**
 * SQL macros the DuckDB engine installs on every connection. DuckDB's `inet` extension is not
 * bundled (and cannot be downloaded here), so address ranges are compared as fixed-width hex:
 * lexicographic order of equal-width lower-case hex equals numeric order.
 */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';

export const DUCKDB_MACROS: readonly string[] = [
  `CREATE OR REPLACE MACRO tg_ipv4_hex(ip) AS CASE WHEN regexp_full_match(ip, '${OCTET}(\\.${OCTET}){3}') THEN ` +
    `printf('%02x%02x%02x%02x', CAST(split_part(ip, '.', 1) AS INTEGER), CAST(split_part(ip, '.', 2) AS INTEGER), ` +
    `CAST(split_part(ip, '.', 3) AS INTEGER), CAST(split_part(ip, '.', 4) AS INTEGER)) END`,
  `CREATE OR REPLACE MACRO tg_hex_groups(s) AS CASE WHEN s = '' THEN CAST([] AS VARCHAR[]) ELSE string_split(s, ':') END`,
  `CREATE OR REPLACE MACRO tg_ipv6_join(hg, tg) AS CASE WHEN len(hg) + len(tg) < 8 THEN array_to_string(list_transform(` +
    `list_concat(list_concat(hg, list_transform(range(8 - len(hg) - len(tg)), lambda i: '0')), tg), lambda g: lpad(g, 4, '0')), '') END`,
  `CREATE OR REPLACE MACRO tg_ipv6_hex(ip) AS CASE ` +
    `WHEN NOT regexp_full_match(lower(ip), '[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}') THEN NULL ` +
    `WHEN strpos(ip, '::') > 0 THEN CASE WHEN strpos(split_part(ip, '::', 2), '::') = 0 AND len(string_split(ip, '::')) = 2 THEN ` +
    `tg_ipv6_join(tg_hex_groups(split_part(lower(ip), '::', 1)), tg_hex_groups(split_part(lower(ip), '::', 2))) END ` +
    `WHEN len(string_split(ip, ':')) = 8 THEN array_to_string(list_transform(string_split(lower(ip), ':'), lambda g: lpad(g, 4, '0')), '') ` +
    `END`,
];
