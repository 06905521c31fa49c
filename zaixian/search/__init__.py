"""Chinese full-text search: jieba-segmented text in SQLite FTS5 (embedded) or PostgreSQL
full text with a GIN index, over the published content of the site group."""
