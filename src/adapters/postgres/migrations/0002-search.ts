/**
 * Search: word vectors the database keeps up to date itself (generated columns, `english`
 * stemming) under GIN indexes for full-text search, and trigram indexes for the literal substring
 * match where the `pg_trgm` extension can be installed (PGlite ships it; on a server it needs the
 * contrib package). Without it the substring match still works, scanning the user's own rows.
 */
export const sql = `
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED;
CREATE INDEX messages_search ON messages USING gin (search);
ALTER TABLE conversations ADD COLUMN title_search tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, ''))) STORED;
CREATE INDEX conversations_title_search ON conversations USING gin (title_search);

DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pg_trgm is not available (%): substring search scans each user''s rows', SQLERRM;
END
$$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    EXECUTE 'CREATE INDEX messages_content_trgm ON messages USING gin (content gin_trgm_ops)';
    EXECUTE 'CREATE INDEX conversations_title_trgm ON conversations USING gin (title gin_trgm_ops)';
  END IF;
END
$$;
`;
