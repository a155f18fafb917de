/**
 * Profiles, conversations, branches and messages. Every row carries its owner (`user_id`) so that
 * every statement filters by owner directly, never through a join it could forget. `seq` keeps
 * creation order for rows written in the same millisecond (timestamps come from the app's clock).
 */
export const sql = `
CREATE TABLE user_profiles (
  id            uuid PRIMARY KEY,
  email         text,
  display_name  text,
  default_model text,
  locale        text,
  preferences   jsonb NOT NULL DEFAULT '{}'::jsonb,
  spend         numeric(20, 10) NOT NULL DEFAULT 0,
  max_budget    numeric(20, 10) NOT NULL DEFAULT 0,
  litellm_key   text,
  -- A closed account keeps its row (so it is not provisioned again on sight) and reads as NOT_FOUND.
  closed_at     timestamptz,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);

CREATE TABLE conversations (
  id               uuid PRIMARY KEY,
  user_id          uuid NOT NULL,
  title            text,
  model            text,
  active_branch_id uuid,
  settings         jsonb,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  seq              bigint GENERATED ALWAYS AS IDENTITY
);
-- The list (newest activity first, or by creation) and its filters.
CREATE INDEX conversations_user_updated ON conversations (user_id, updated_at DESC, seq DESC);
CREATE INDEX conversations_user_created ON conversations (user_id, created_at, id);

CREATE TABLE branches (
  id                uuid PRIMARY KEY,
  conversation_id   uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id           uuid NOT NULL,
  parent_message_id uuid,
  name              text NOT NULL,
  created_at        timestamptz NOT NULL,
  seq               bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX branches_conversation ON branches (conversation_id, seq);

CREATE TABLE messages (
  id              uuid PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  branch_id       uuid NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  parent_id       uuid,
  role            text NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
  content         text NOT NULL,
  model           text,
  tokens_count    integer,
  -- The reply was cut short (client gone, upstream failure, stop): content is what was relayed.
  interrupted     boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL,
  seq             bigint GENERATED ALWAYS AS IDENTITY
);
-- The tree of one conversation, the leaf of a branch, the thread walk by parent, activity by date.
CREATE INDEX messages_conversation ON messages (conversation_id, seq);
CREATE INDEX messages_branch ON messages (branch_id, seq DESC);
CREATE INDEX messages_user_created ON messages (user_id, created_at DESC, id);
`;
