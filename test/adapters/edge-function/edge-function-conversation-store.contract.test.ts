import { EdgeFunctionConversationStore } from '../../../src/adapters/edge-function/edge-function-conversation-store';
import { MemoryConversationStore } from '../../../src/adapters/memory/memory-conversation-store';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { describeConversationStoreContract } from '../../contracts/conversation-store.contract';
import { FakeEdgeFunction } from '../../fakes/fake-edge-function';
import { devToken, USER_A, USER_B } from '../../support/tokens';
import { RecordingLogger } from '../http/upstream-test-kit';

const ANON_KEY = 'contract-anon-key';

// The real adapter, over real HTTP, against the fake function backed by the memory twin: the two
// implementations of the port are held to the same suite, so they cannot drift apart.
describeConversationStoreContract('EdgeFunctionConversationStore over HTTP to the fake Edge Function', async () => {
  const clock = new SystemClock();
  const fake = await FakeEdgeFunction.start(new MemoryConversationStore(clock, new CryptoIdGenerator()), { anonKey: ANON_KEY });
  const store = new EdgeFunctionConversationStore(
    { baseUrl: fake.url, anonKey: ANON_KEY, poolSize: 8, timeoutMs: 5_000, retries: 0 },
    clock,
    new RecordingLogger(),
  );
  return {
    store,
    alice: { userId: USER_A, token: devToken(USER_A), requestId: 'contract-alice' },
    bob: { userId: USER_B, token: devToken(USER_B), requestId: 'contract-bob' },
    close: () => fake.close(),
  };
});
