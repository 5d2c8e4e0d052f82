/**
 * SQL default for timestamp columns: the current UTC time in the same text
 * format the application writes (see src/time.ts), e.g.
 * 2026-11-23T10:11:12.345000. Rows inserted without a timestamp (for example
 * by hand in a SQLite shell) still get a well-formed value.
 */
export const NOW_TIMESTAMP_SQL = "(strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000')";
