import { expect } from 'chai';
import type { UserContext } from '../../src/domain/user/user-context';
import type { ImportLedger } from '../../src/ports/import-ledger.port';
import { USER_A, USER_B } from '../support/tokens';

export interface ImportLedgerHarness {
  ledger: ImportLedger;
  user(userId: string): UserContext;
  /**
   * Makes `conversationId` a conversation of the user, for a ledger that checks an entry points at
   * one (the gateway's database: a foreign key). The import records only conversations it has just
   * written, so this is what the application guarantees; ledgers that do not check leave it out.
   */
  ownConversation?(userId: string, conversationId: string): Promise<void>;
  close(): Promise<void>;
}

const F1 = 'a'.repeat(64);
const F2 = 'b'.repeat(64);
const C1 = '3f6c1a9e-8d2b-4c1f-9a7e-5b2d8e4f6a10';
const C2 = '4a7d2b0f-9e3c-4d20-8b8f-6c3e9f5a7b21';
/** USER_B's own conversation: an entry always names a conversation of its user. */
const C3 = '5b8e3c1a-0f4d-4e31-9c9a-7d4fa06b8c32';
const AT = '2026-01-15T09:30:00.000Z';

/** What every ImportLedger must do: the memory twin, the Supabase adapter and the PostgreSQL adapter all run it. */
export function describeImportLedgerContract(name: string, makeHarness: () => Promise<ImportLedgerHarness>): void {
  describe(`ImportLedger contract: ${name}`, () => {
    let h: ImportLedgerHarness;
    beforeEach(async () => {
      h = await makeHarness();
      for (const id of [C1, C2]) await h.ownConversation?.(USER_A, id);
      await h.ownConversation?.(USER_B, C3);
    });
    afterEach(() => h.close());

    it("finds the user's entries among the fingerprints asked, and never another user's", async () => {
      await h.ledger.record(h.user(USER_A), { fingerprint: F1, conversation_id: C1, imported_at: AT });
      expect(await h.ledger.find(h.user(USER_A), [F1, F2, F1])).to.deep.equal([{ fingerprint: F1, conversation_id: C1, imported_at: AT }]);
      expect(await h.ledger.find(h.user(USER_B), [F1])).to.deep.equal([]);
      expect(await h.ledger.find(h.user(USER_A), [])).to.deep.equal([]);
    });

    it('replaces an entry recorded again (a conversation imported again after it was deleted)', async () => {
      await h.ledger.record(h.user(USER_A), { fingerprint: F1, conversation_id: C1, imported_at: AT });
      await h.ledger.record(h.user(USER_A), { fingerprint: F1, conversation_id: C2, imported_at: AT });
      await h.ledger.record(h.user(USER_B), { fingerprint: F1, conversation_id: C3, imported_at: AT });
      expect(await h.ledger.find(h.user(USER_A), [F1])).to.deep.equal([{ fingerprint: F1, conversation_id: C2, imported_at: AT }]);
      expect(await h.ledger.find(h.user(USER_B), [F1])).to.deep.equal([{ fingerprint: F1, conversation_id: C3, imported_at: AT }]);
    });
  });
}
