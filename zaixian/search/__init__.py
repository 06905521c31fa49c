"""Chinese full-text search: jieba-segmented text in SQLite FTS5 (embedded) or PostgreSQL
full text with a GIN index, over the published content of the site group.

The index holds, per field, every dictionary word of the text (jieba's full mode) followed by
the character bigrams; a query's dictionary words are single tokens, one character is a prefix
query, other words and quoted phrases go through the bigrams (``rules``). Writes go through
``actions`` (``index_document``, bulk ``index_documents`` / ``index_pages``), the search
itself through ``queries.search``; ``backends`` holds the SQL of each database."""
