import { expect } from 'chai';
import type { NewShare } from '../../src/domain/share/share';
import type { UserContext } from '../../src/domain/user/user-context';
import type { ShareStore } from '../../src/ports/share-store.port';
import { rejectionOf } from '../support/async';
import { USER_A, USER_B } from '../support/tokens';

export interface ShareStoreHarness {
  store: ShareStore;
  /** The caller as the auth middleware would hand it over. */
  user(userId: string): UserContext;
  /**
   * Makes `conversationId` a conversation of the user, for a store that checks a share points at
   * one (the gateway's database: a foreign key). Sharing always reads the conversation first, so
   * this is what the application guarantees; stores that do not check leave it out.
   */
  ownConversation?(userId: string, conversationId: string): Promise<void>;
  close(): Promise<void>;
}

const CONVERSATION = '3f6c1a9e-8d2b-4c1f-9a7e-5b2d8e4f6a10';
const OTHER_CONVERSATION = '4a7d2b0f-9e3c-4d20-8b8f-6c3e9f5a7b21';
const BRANCH = '7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

let seq = 0;
function newShare(conversationId = CONVERSATION, createdAt = '2026-01-15T09:30:00.000Z'): NewShare {
  seq += 1;
  return {
    share_id: `contract${String(seq).padStart(4, '0')}_abcdefghijklmnopqrst`.slice(0, 32),
    conversation_id: conversationId,
    branch_id: BRANCH,
    created_at: createdAt,
    snapshot: {
      title: 'Ünïcödé «title» 🍞',
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'Hello <script>', model: null, created_at: '2026-01-15T09:29:00.000Z' },
        { role: 'assistant', content: '**Hi** 👋', model: 'gpt-4o', created_at: '2026-01-15T09:29:30.000Z' },
      ],
    },
  };
}

/** What every ShareStore must do: the memory twin, the Supabase adapter and the PostgreSQL adapter all run it. */
export function describeShareStoreContract(name: string, makeHarness: () => Promise<ShareStoreHarness>): void {
  describe(`ShareStore contract: ${name}`, () => {
    let h: ShareStoreHarness;
    beforeEach(async () => {
      h = await makeHarness();
      for (const id of [CONVERSATION, OTHER_CONVERSATION]) await h.ownConversation?.(USER_A, id);
    });
    afterEach(() => h.close());

    it('reads a share back for anyone: the snapshot and when it was shared, nothing else', async () => {
      const share = newShare();
      await h.store.create(h.user(USER_A), share);
      const read = await h.store.read(share.share_id);
      expect(read).to.deep.equal({ share_id: share.share_id, shared_at: share.created_at, snapshot: share.snapshot });
    });

    it('refuses a share id that exists already, and keeps the first share', async () => {
      const share = newShare();
      await h.store.create(h.user(USER_A), share);
      const again = { ...newShare(OTHER_CONVERSATION), share_id: share.share_id };
      await rejectionOf(h.store.create(h.user(USER_A), again));
      expect(await h.store.read(share.share_id)).to.deep.equal({
        share_id: share.share_id,
        shared_at: share.created_at,
        snapshot: share.snapshot,
      });
      expect(await h.store.listForConversation(h.user(USER_A), OTHER_CONVERSATION)).to.deep.equal([]);
    });

    it('answers null for an unknown id', async () => {
      expect(await h.store.read('unknown0000000000000000000000000')).to.equal(null);
    });

    it("lists the owner's shares of one conversation, newest first, and nobody else's", async () => {
      const older = newShare(CONVERSATION, '2026-01-15T09:30:00.000Z');
      const newer = newShare(CONVERSATION, '2026-01-15T10:30:00.000Z');
      const elsewhere = newShare(OTHER_CONVERSATION);
      for (const s of [older, newer, elsewhere]) await h.store.create(h.user(USER_A), s);
      const list = await h.store.listForConversation(h.user(USER_A), CONVERSATION);
      expect(list).to.deep.equal(
        [newer, older].map(({ share_id, conversation_id, branch_id, created_at }) => ({
          share_id,
          conversation_id,
          branch_id,
          created_at,
        })),
      );
      expect(await h.store.listForConversation(h.user(USER_B), CONVERSATION)).to.deep.equal([]);
    });

    it('breaks a tie on the time by share id, the greater first', async () => {
      const at = '2026-01-15T11:00:00.000Z';
      // Ids that sort alike in byte order and in natural-language collations (Supabase's order is its database's).
      const lower = { ...newShare(CONVERSATION, at), share_id: 'a'.repeat(32) };
      const greater = { ...newShare(CONVERSATION, at), share_id: 'b'.repeat(32) };
      for (const s of [lower, greater]) await h.store.create(h.user(USER_A), s);
      const list = await h.store.listForConversation(h.user(USER_A), CONVERSATION);
      expect(list.map((s) => s.share_id)).to.deep.equal([greater.share_id, lower.share_id]);
    });

    it('revokes for the owner only; a revoked share reads as null and is not listed', async () => {
      const share = newShare();
      await h.store.create(h.user(USER_A), share);
      expect(await h.store.revoke(h.user(USER_B), share.share_id)).to.equal(false);
      expect(await h.store.read(share.share_id)).not.to.equal(null);
      expect(await h.store.revoke(h.user(USER_A), share.share_id)).to.equal(true);
      expect(await h.store.read(share.share_id)).to.equal(null);
      expect(await h.store.listForConversation(h.user(USER_A), CONVERSATION)).to.deep.equal([]);
      expect(await h.store.revoke(h.user(USER_A), share.share_id)).to.equal(false);
    });
  });
}
