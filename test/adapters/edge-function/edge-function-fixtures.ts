import {
  EdgeFunctionConversationStore,
  type EdgeFunctionConversationStoreOptions,
} from '../../../src/adapters/edge-function/edge-function-conversation-store';
import type { UpstreamObserver } from '../../../src/adapters/http/upstream-observer';
import type { UserContext } from '../../../src/domain/user/user-context';
import { USER_A } from '../../support/tokens';
import { ManualClock, RecordingLogger } from '../http/upstream-test-kit';

export const ORIGIN = 'http://edge.test';
export const PREFIX = '/functions/v1/conversation-manager';
export const BASE_URL = `${ORIGIN}${PREFIX}`;
export const ANON_KEY = 'anon-key-for-tests';
export const SERVICE_KEY = 'service-role-key-never-sent';

export const CONVERSATION_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
export const BRANCH_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
export const BRANCH_2_ID = 'bbbbbbbb-0000-4000-8000-000000000002';
export const USER_MESSAGE_ID = 'cccccccc-0000-4000-8000-000000000001';
export const ASSISTANT_MESSAGE_ID = 'cccccccc-0000-4000-8000-000000000002';

export const USER: UserContext = { userId: USER_A, token: 'user-a-jwt.header.signature', requestId: 'req-edge-1' };

export const CONVERSATION_ROW = {
  id: CONVERSATION_ID,
  user_id: USER_A,
  title: 'Hello',
  active_branch_id: BRANCH_ID,
  model: 'gpt-4o-mini',
  created_at: '2025-09-01T06:15:51.432019+00:00',
  updated_at: '2025-09-01T06:16:02.100000+00:00',
};

export const BRANCH_ROW = {
  id: BRANCH_ID,
  conversation_id: CONVERSATION_ID,
  parent_message_id: null,
  name: 'Main',
  created_at: '2025-09-01T06:15:51.432019+00:00',
};

export const USER_MESSAGE_ROW = {
  id: USER_MESSAGE_ID,
  conversation_id: CONVERSATION_ID,
  branch_id: BRANCH_ID,
  parent_id: null,
  role: 'user',
  content: 'Hi',
  model: null,
  tokens_count: null,
  created_at: '2025-09-01T06:15:52.000000+00:00',
};

export const ASSISTANT_MESSAGE_ROW = {
  ...USER_MESSAGE_ROW,
  id: ASSISTANT_MESSAGE_ID,
  parent_id: USER_MESSAGE_ID,
  role: 'assistant',
  content: 'Hello there',
  model: 'gpt-4o-mini',
  tokens_count: 3,
  created_at: '2025-09-01T06:15:53.000000+00:00',
};

export function ok(data: unknown): { success: true; data: unknown } {
  return { success: true, data };
}

export function fail(error: string): { success: false; error: string } {
  return { success: false, error };
}

export interface StoreKit {
  store: EdgeFunctionConversationStore;
  clock: ManualClock;
  logger: RecordingLogger;
}

export function makeStore(options: Partial<EdgeFunctionConversationStoreOptions> = {}, observer?: UpstreamObserver): StoreKit {
  const clock = new ManualClock();
  const logger = new RecordingLogger();
  const store = new EdgeFunctionConversationStore(
    { baseUrl: BASE_URL, anonKey: ANON_KEY, poolSize: 4, timeoutMs: 2_000, retries: 2, ...options },
    clock,
    logger,
    observer,
  );
  return { store, clock, logger };
}
