/**
 * Share links and the import ledger, beside the conversations they point at: the same columns as
 * Supabase's tables (docs/supabase-shares.sql), except the owner, called `user_id` here as on every
 * other table of this schema.
 *
 * Both point at their conversation through (conversation_id, user_id), so a row can only ever name
 * a conversation of its own owner (what RLS checks on Supabase), and ON DELETE CASCADE removes the
 * shares and ledger entries of a deleted conversation, whatever deletes it: a share of a deleted
 * conversation reads as unknown (404), and a deleted imported conversation can be imported again.
 */
export const sql = `
ALTER TABLE conversations ADD CONSTRAINT conversations_id_user UNIQUE (id, user_id);

CREATE TABLE conversation_shares (
  share_id        text PRIMARY KEY CHECK (share_id ~ '^[A-Za-z0-9_-]{32}$'),
  user_id         uuid NOT NULL,
  conversation_id uuid NOT NULL,
  branch_id       uuid NOT NULL,
  -- A copy of the thread as it was when shared: later edits of the conversation never change it.
  snapshot        jsonb NOT NULL,
  created_at      timestamptz NOT NULL,
  FOREIGN KEY (conversation_id, user_id) REFERENCES conversations (id, user_id) ON DELETE CASCADE
);
-- The owner's shares of one conversation, newest first; also serves the cascade from a conversation.
CREATE INDEX conversation_shares_user_conversation ON conversation_shares (user_id, conversation_id, created_at DESC);

CREATE TABLE import_ledger (
  user_id         uuid NOT NULL,
  -- sha256 of the source format and the source's id: the source id itself is never stored.
  fingerprint     text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  conversation_id uuid NOT NULL,
  imported_at     timestamptz NOT NULL,
  PRIMARY KEY (user_id, fingerprint),
  FOREIGN KEY (conversation_id, user_id) REFERENCES conversations (id, user_id) ON DELETE CASCADE
);
-- The cascade from a deleted conversation finds its entries without scanning the user's ledger.
CREATE INDEX import_ledger_user_conversation ON import_ledger (user_id, conversation_id);
`;
