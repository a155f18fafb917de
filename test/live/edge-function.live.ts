/*
 * The ConversationStore contract suite against a REAL conversation-manager Edge Function.
 * Opt-in and not part of `npm test` (the file name does not match `*.test.js`):
 *
 *   LIVE_EDGE_FUNCTION_URL=https://<ref>.supabase.co/functions/v1/conversation-manager \
 *   LIVE_SUPABASE_ANON_KEY=... LIVE_USER_TOKEN_A=<access token of test user A> \
 *   LIVE_USER_TOKEN_B=<access token of test user B> npm run test:live
 *
 * The suite expects both users to start every test without conversations. The function cannot
 * delete, so with LIVE_WIPE_TEST_USERS=yes every conversation of the two users is deleted before
 * each test through Supabase REST (their own JWTs, RLS applies; LIVE_SUPABASE_URL, default: the
 * origin of the function URL). Without it nothing is deleted, and the tests that count
 * conversations fail once the accounts hold any.
 */
import jwt from 'jsonwebtoken';
import { EdgeFunctionConversationStore } from '../../src/adapters/edge-function/edge-function-conversation-store';
import { SystemClock } from '../../src/adapters/system/system-clock';
import type { UserContext } from '../../src/domain/user/user-context';
import { RecordingLogger } from '../adapters/http/upstream-test-kit';
import { describeConversationStoreContract } from '../contracts/conversation-store.contract';

const REQUIRED = {
  LIVE_EDGE_FUNCTION_URL: 'the full function URL, ending with /conversation-manager',
  LIVE_SUPABASE_ANON_KEY: "the project's anon key (sent as apikey)",
  LIVE_USER_TOKEN_A: 'an access token (JWT) of a first test user',
  LIVE_USER_TOKEN_B: 'an access token (JWT) of a second, different test user',
} as const;

function refuse(lines: string[]): never {
  console.error(['The live Edge Function test cannot run.', ...lines].join('\n'));
  process.exit(2);
}

const missing = Object.keys(REQUIRED).filter((name) => !process.env[name]?.trim());
if (missing.length > 0) {
  refuse([
    `Missing: ${missing.join(', ')}. It needs all of:`,
    ...Object.entries(REQUIRED).map(([name, what]) => `  ${name}  ${what}`),
    "Optional: LIVE_WIPE_TEST_USERS=yes (delete the two users' conversations before each test), LIVE_SUPABASE_URL.",
  ]);
}

const env = process.env as Record<keyof typeof REQUIRED, string> & NodeJS.ProcessEnv;

function userOf(variable: 'LIVE_USER_TOKEN_A' | 'LIVE_USER_TOKEN_B', requestId: string): UserContext {
  const token = env[variable].trim();
  const claims = jwt.decode(token);
  const sub = claims && typeof claims === 'object' ? claims.sub : undefined;
  if (typeof sub !== 'string' || sub === '') refuse([`${variable} is not a JWT with a sub claim.`]);
  if (claims && typeof claims === 'object' && typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) {
    refuse([`${variable} has expired: sign in again and pass a fresh access token.`]);
  }
  return { userId: sub, token, requestId };
}

const alice = userOf('LIVE_USER_TOKEN_A', 'live-contract-a');
const bob = userOf('LIVE_USER_TOKEN_B', 'live-contract-b');
if (alice.userId === bob.userId) refuse(['LIVE_USER_TOKEN_A and LIVE_USER_TOKEN_B belong to the same user; the ownership tests need two.']);

const functionUrl = env.LIVE_EDGE_FUNCTION_URL.trim();
const anonKey = env.LIVE_SUPABASE_ANON_KEY.trim();
const wipe = env.LIVE_WIPE_TEST_USERS === 'yes';
const restUrl = `${(env.LIVE_SUPABASE_URL?.trim() || new URL(functionUrl).origin).replace(/\/+$/, '')}/rest/v1`;

async function wipeConversations(user: UserContext): Promise<void> {
  const res = await fetch(`${restUrl}/conversations?user_id=eq.${encodeURIComponent(user.userId)}`, {
    method: 'DELETE',
    headers: { apikey: anonKey, Authorization: `Bearer ${user.token}` },
  });
  if (!res.ok) throw new Error(`could not delete the test conversations of ${user.userId}: HTTP ${res.status}`);
}

console.log(
  `Live contract run against ${new URL(functionUrl).host}: ${
    wipe ? "the two test users' conversations are deleted before each test" : 'nothing is deleted (LIVE_WIPE_TEST_USERS is not "yes")'
  }.`,
);

describeConversationStoreContract(`EdgeFunctionConversationStore against the live function at ${new URL(functionUrl).host}`, async () => {
  if (wipe) await Promise.all([wipeConversations(alice), wipeConversations(bob)]);
  const clock = new SystemClock();
  const store = new EdgeFunctionConversationStore(
    { baseUrl: functionUrl, anonKey, poolSize: 8, timeoutMs: 20_000 },
    clock,
    new RecordingLogger(),
  );
  return { store, alice, bob, close: async () => undefined };
});
