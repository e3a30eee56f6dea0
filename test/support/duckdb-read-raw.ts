/** How DuckDB statements read the raw files bound as $1 (line-delimited, see DuckDbCompiler.readJson). */
export const D_READ_RAW =
  `(SELECT CASE WHEN Records IS NULL THEN error(concat('no Records array read as line-delimited JSON in file "', filename, '"')) ELSE Records END AS Records, filename ` +
  `FROM read_json($1, columns = {'Records': 'JSON[]'}, format = 'newline_delimited', records = true, filename = true, ignore_errors = true, maximum_object_size = 16777216))`;
