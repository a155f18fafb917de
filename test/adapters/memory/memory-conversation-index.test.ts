import { expect } from 'chai';
import { MemoryConversationIndex } from '../../../src/adapters/memory/memory-conversation-index';
import { MemoryConversationStore } from '../../../src/adapters/memory/memory-conversation-store';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { describeConversationIndexContract } from '../../contracts/conversation-index.contract';
import { seededStore, SteppingClock } from '../../support/conversation-dataset';

describeConversationIndexContract('memory twin', async () => {
  const clock = new SteppingClock();
  const store = new MemoryConversationStore(clock, new CryptoIdGenerator());
  return { index: new MemoryConversationIndex(store), store, clock, close: async () => undefined };
});

describe('MemoryConversationIndex', () => {
  it('sees what the store holds as it changes: new messages, renames, deletions through either side', async () => {
    const { store, data } = await seededStore();
    const index = new MemoryConversationIndex(store);
    await store.updateConversation(data.alice, data.budget.id, { title: 'Household budget' });
    expect((await index.findByTitle(data.alice, 'household', {}, 10)).items.map((c) => c.id)).to.deep.equal([data.budget.id]);
    const added = await store.addUserMessage(data.alice, { conversation_id: data.empty.id, content: 'A brand new zebra question' });
    const found = await index.findMessages(data.alice, 'zebra', 10);
    expect(found.items.map((m) => m.id)).to.deep.equal([added.message_id]);
    expect((await index.conversationsByIds(data.alice, [data.empty.id], {}))[0]?.message_count).to.equal(1);
    expect(await index.deleteConversations(data.alice, [data.empty.id])).to.deep.equal([data.empty.id]);
    const err = await store.getConversation(data.alice, data.empty.id).catch((e: unknown) => e);
    expect((err as { code?: string }).code).to.equal('NOT_FOUND');
    const msgErr = await store.getMessage(data.alice, added.message_id).catch((e: unknown) => e);
    expect((msgErr as { code?: string }).code).to.equal('NOT_FOUND');
  });

  it('hands out copies: changing a result changes nothing stored', async () => {
    const { store, data } = await seededStore();
    const index = new MemoryConversationIndex(store);
    const [row] = await index.conversationsByIds(data.alice, [data.tbilisi.id], {});
    row!.title = 'changed';
    const [message] = (await index.findMessages(data.alice, 'Narikala', 1)).items;
    message!.content = 'changed';
    expect((await store.getConversation(data.alice, data.tbilisi.id)).title).to.equal('Trip planning for Tbilisi');
    expect((await index.findMessages(data.alice, 'Narikala', 1)).items).to.have.length(1);
  });
});
