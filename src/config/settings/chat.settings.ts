import { Type } from 'typebox';
import { positiveInt, type SettingDefinition } from '../setting-definition';

/** Chat turns: the default model, the context sent, the deadlines of a stream, open streams per user. */
export const CHAT_SETTINGS = {
  defaultModel: {
    env: 'DEFAULT_MODEL',
    schema: Type.String({ minLength: 1, maxLength: 200 }),
    description: 'Model of a conversation created without one. Default: `local/echo` without LITELLM_URL, else `gpt-4o-mini`.',
  },
  maxContextMessages: {
    env: 'MAX_CONTEXT_MESSAGES',
    schema: positiveInt(1000),
    default: '100',
    description: 'How many of the newest messages of a branch are sent to the model.',
  },
  streamTimeoutSeconds: {
    env: 'STREAM_TIMEOUT',
    schema: positiveInt(3600),
    default: '120',
    description: 'Overall limit of one streamed completion, in seconds.',
  },
  llmFirstTokenTimeoutMs: {
    env: 'LLM_FIRST_TOKEN_TIMEOUT_MS',
    schema: positiveInt(600000),
    default: '60000',
    description:
      'Limit from sending a chat to LiteLLM until its first content token (queueing and prompt processing included), in milliseconds.',
  },
  llmIdleTimeoutMs: {
    env: 'LLM_IDLE_TIMEOUT_MS',
    schema: positiveInt(600000),
    default: '60000',
    description: 'Longest silence between two chunks of a streamed completion before it is abandoned with 504, in milliseconds.',
  },
  ssePingIntervalMs: {
    env: 'SSE_PING_INTERVAL_MS',
    schema: positiveInt(600000),
    default: '15000',
    description:
      'Silence on a chat stream after which a `: ping` comment is sent, so proxies with idle timeouts keep the connection, in milliseconds.',
  },
  localModelTokenDelayMs: {
    env: 'LOCAL_MODEL_TOKEN_DELAY_MS',
    schema: Type.Integer({ minimum: 0, maximum: 10000 }),
    default: '20',
    description: 'Pause between two tokens of the built-in `local/echo` and `local/lorem` models (embedded default), in milliseconds.',
  },
  maxStreamsPerUser: {
    env: 'MAX_STREAMS_PER_USER',
    schema: positiveInt(1000),
    default: '5',
    description: 'Chat streams one user may have open at once; one more is 429.',
  },
} as const satisfies Record<string, SettingDefinition>;
