import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { exportRows, importRows } from '../../../src/adapters/postgres/database-transfer';
import type { PgliteDatabase } from '../../../src/adapters/postgres/pglite-database';
import { PostgresConversationIndex } from '../../../src/adapters/postgres/postgres-conversation-index';
import { PostgresConversationStore } from '../../../src/adapters/postgres/postgres-conversation-store';
import { PostgresUserDirectory } from '../../../src/adapters/postgres/postgres-user-directory';
import type { SqlDatabase } from '../../../src/adapters/postgres/sql-database';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { rejectionOf } from '../../support/async';
import { userContext } from '../../support/conversation-dataset';
import { migratedPglite } from '../../support/test-postgres';

async function* parsedLines(db: SqlDatabase): AsyncGenerator<unknown> {
  // Through JSON text, as the file carries them.
  for await (const line of exportRows(db, new Date())) yield JSON.parse(JSON.stringify(line)) as unknown;
}

describe('db:export / db:import (moving the embedded database to another)', function () {
  this.timeout(120_000);
  let source: PgliteDatabase;
  let target: PgliteDatabase;
  before(async () => {
    [source, target] = await Promise.all([migratedPglite(), migratedPglite()]);
  });
  after(async () => {
    await source?.close();
    await target?.close();
  });

  it('carries conversations, branches, messages, flags and profiles over exactly, and the target keeps working', async () => {
    const ids = new CryptoIdGenerator();
    const store = new PostgresConversationStore(source, new SystemClock(), ids, 'local/echo');
    const alice = userContext(randomUUID());
    await new PostgresUserDirectory(source, new SystemClock()).updateProfile(alice, { display_name: 'Alice', preferences: { a: [1] } });
    const q = await store.addUserMessage(alice, { content: 'Where is the Narikala fortress?', model: 'm' });
    const a = await store.saveAssistantMessage(alice, {
      conversation_id: q.conversation_id,
      branch_id: q.branch_id,
      parent_id: q.message_id,
      content: 'In Tbilisi, on a hill',
      model: 'm',
      tokens_count: 5,
      interrupted: true,
    });
    await store.regenerateFork(alice, a.message_id, { branch_name: 'retry' });
    await store.updateConversation(alice, q.conversation_id, { settings: { temperature: 0.2 } });

    const counts = await importRows(target, parsedLines(source));
    expect(counts).to.deep.equal({ user_profiles: 1, conversations: 1, branches: 2, messages: 2 });

    const moved = new PostgresConversationStore(target, new SystemClock(), ids, 'local/echo');
    expect(await moved.getConversationFull(alice, q.conversation_id)).to.deep.equal(
      await store.getConversationFull(alice, q.conversation_id),
    );
    const profile = await new PostgresUserDirectory(target, new SystemClock()).getProfile(alice);
    expect(profile).to.deep.equal(await new PostgresUserDirectory(source, new SystemClock()).getProfile(alice));
    // The target's own vectors and sequences work: search finds the text, new rows come after the old ones.
    expect((await new PostgresConversationIndex(target).findMessages(alice, 'narikala', 10)).items).to.have.length(1);
    const next = await moved.addUserMessage(alice, { conversation_id: q.conversation_id, content: 'and then?' });
    expect(
      (await moved.buildContext(alice, { conversation_id: q.conversation_id, max_messages: 10 })).messages.map((m) => m.content),
    ).to.deep.equal(['Where is the Narikala fortress?', 'In Tbilisi, on a hill', 'and then?']);
    expect(next.parent_id).to.equal(a.message_id);

    expect(((await rejectionOf(importRows(target, parsedLines(source)))) as Error).message).to.contain('import into an empty one');
  });
});
