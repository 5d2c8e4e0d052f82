/**
 * SQL default for timestamp columns: the current UTC time in the same text
 * format the application writes (see shared/time.ts), e.g.
 * 2026-11-23T10:11:12.345000.
 */
export const NOW_TIMESTAMP_SQL = "(strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000')";
