-- Share links and the import ledger on Supabase (the Edge Function deployment).
-- Run once in the SQL editor (or as a migration). The gateway reaches both tables through
-- Supabase REST with the caller's own JWT, so row-level security decides what each call may do:
-- an owner writes, lists and deletes only their own rows. The public read of a share goes through
-- `get_share(share_id)`, which returns one snapshot for one exact id and nothing else: the table
-- itself is never readable by anonymous callers, so shares cannot be listed or enumerated.

create table if not exists public.conversation_shares (
  share_id        text primary key check (share_id ~ '^[A-Za-z0-9_-]{32}$'),
  owner_id        uuid not null default auth.uid() references auth.users (id) on delete cascade,
  conversation_id uuid not null,
  branch_id       uuid not null,
  snapshot        jsonb not null,
  created_at      timestamptz not null default now()
);
create index if not exists conversation_shares_owner_conversation
  on public.conversation_shares (owner_id, conversation_id, created_at desc);

alter table public.conversation_shares enable row level security;

drop policy if exists conversation_shares_owner_select on public.conversation_shares;
create policy conversation_shares_owner_select on public.conversation_shares
  for select to authenticated using (owner_id = auth.uid());
drop policy if exists conversation_shares_owner_insert on public.conversation_shares;
create policy conversation_shares_owner_insert on public.conversation_shares
  for insert to authenticated with check (
    owner_id = auth.uid()
    -- Only a conversation of one's own can be shared.
    and exists (select 1 from public.conversations c where c.id = conversation_id and c.user_id = auth.uid())
  );
drop policy if exists conversation_shares_owner_delete on public.conversation_shares;
create policy conversation_shares_owner_delete on public.conversation_shares
  for delete to authenticated using (owner_id = auth.uid());
-- No update policy: a snapshot never changes.

revoke all on public.conversation_shares from anon;
grant select, insert, delete on public.conversation_shares to authenticated;

-- The public read: one share by its exact id, without the owner or any id but the share's.
create or replace function public.get_share(p_share_id text)
returns table (share_id text, shared_at timestamptz, snapshot jsonb)
language sql
stable
security definer
set search_path = public
as $$
  select s.share_id, s.created_at, s.snapshot
  from public.conversation_shares s
  where s.share_id = p_share_id
$$;
revoke all on function public.get_share(text) from public;
grant execute on function public.get_share(text) to anon, authenticated;

-- Import ledger: which source conversations (hashed format and id) a user already imported.
create table if not exists public.import_ledger (
  owner_id        uuid not null default auth.uid() references auth.users (id) on delete cascade,
  fingerprint     text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
  conversation_id uuid not null,
  imported_at     timestamptz not null default now(),
  primary key (owner_id, fingerprint)
);

alter table public.import_ledger enable row level security;

drop policy if exists import_ledger_owner_all on public.import_ledger;
create policy import_ledger_owner_all on public.import_ledger
  for all to authenticated using (owner_id = auth.uid()) with check (owner_id = auth.uid());

revoke all on public.import_ledger from anon;
grant select, insert, update, delete on public.import_ledger to authenticated;
