import type { TSchema } from 'typebox';
import type { Branch, Conversation, ConversationFull, ConversationSummary, Message, Page } from '../../domain/conversation/conversation';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { isUuid } from '../../domain/user/uuid';
import type { Clock } from '../../ports/clock.port';
import type {
  AddedUserMessage,
  AddUserMessageInput,
  BuildContextInput,
  BuiltContext,
  ConversationStore,
  CreateBranchInput,
  CreateConversationInput,
  ListConversationsInput,
  RegenerateFork,
  RegenerateForkInput,
  SaveAssistantMessageInput,
  SavedAssistantMessage,
  UpdateConversationInput,
} from '../../ports/conversation-store.port';
import type { Logger } from '../../ports/logger.port';
import { boundedValidators, toFieldErrors, type BoundedValidator } from '../../support/json-schema';
import { UpstreamClient } from '../http/upstream-client';
import type { UpstreamObserver } from '../http/upstream-observer';
import { EDGE_FUNCTION_UPSTREAM, edgeFunctionError, upstreamMessage } from './edge-function-errors';
import {
  EDGE_FUNCTION_OPERATIONS,
  type EdgeFunctionOperation,
  type OperationInput,
  type OperationName,
  type OperationOutput,
} from './edge-function-operations';

export interface EdgeFunctionConversationStoreOptions {
  /** The full function URL, ending with `/conversation-manager` (EDGE_FUNCTION_URL). */
  baseUrl: string;
  /** Sent as `apikey`; the service key is never given to this adapter. */
  anonKey: string;
  poolSize: number;
  timeoutMs: number;
  retries?: number;
  failureThreshold?: number;
  openMs?: number;
  /** Largest answer read (UPSTREAM_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
}

// Responses are checked, never rewritten: no coercion, no defaults, unknown fields left alone.
const compile = boundedValidators({ coerceTypes: false, removeAdditional: false, useDefaults: false });
const validators = new Map<TSchema, BoundedValidator>();
const MAX_CONTRACT_FIELDS = 10;

function validatorFor(schema: TSchema): BoundedValidator {
  let validate = validators.get(schema);
  if (!validate) {
    validate = compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

/** The old gateway was unsure whether `/conversation-manager` belongs to the base URL; here it must. */
function functionUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error('EDGE_FUNCTION_URL is not a URL');
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (!/^https?:$/.test(url.protocol) || !path.endsWith('/conversation-manager')) {
    throw new Error('EDGE_FUNCTION_URL must be the full function URL, ending with /conversation-manager');
  }
  return `${url.origin}${path}`;
}

function contractError(operation: string, reason: string, fields?: { path: string; message: string }[]): AppError {
  return new AppError('UPSTREAM_CONTRACT', 'The conversation service answered with an unusable response', {
    details: { upstream: EDGE_FUNCTION_UPSTREAM, operation, reason, ...(fields ? { fields: fields.slice(0, MAX_CONTRACT_FIELDS) } : {}) },
  });
}

/**
 * ConversationStore over the `conversation-manager` Edge Function, with the user's own JWT so that
 * Row Level Security decides what the user sees. Each method is one entry of
 * EDGE_FUNCTION_OPERATIONS (two for createConversation, which the function splits in init + read).
 */
export class EdgeFunctionConversationStore implements ConversationStore {
  readonly upstream: UpstreamClient;

  constructor(
    private readonly options: EdgeFunctionConversationStoreOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    observer?: UpstreamObserver,
  ) {
    this.upstream = new UpstreamClient(
      {
        name: EDGE_FUNCTION_UPSTREAM,
        baseURL: functionUrl(options.baseUrl),
        poolSize: options.poolSize,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        failureThreshold: options.failureThreshold,
        openMs: options.openMs,
        observer,
        maxResponseBytes: options.maxResponseBytes,
      },
      clock,
      logger,
    );
  }

  async createConversation(user: UserContext, input: CreateConversationInput): Promise<Conversation> {
    const { conversation_id } = await this.call('initConversation', user, input);
    return this.call('getConversation', user, { conversation_id });
  }

  listConversations(user: UserContext, input: ListConversationsInput): Promise<Page<ConversationSummary>> {
    return this.call('listConversations', user, input);
  }

  getConversation(user: UserContext, conversationId: string): Promise<Conversation> {
    return this.call('getConversation', user, { conversation_id: conversationId });
  }

  getConversationFull(user: UserContext, conversationId: string): Promise<ConversationFull> {
    return this.call('getConversationFull', user, { conversation_id: conversationId });
  }

  updateConversation(user: UserContext, conversationId: string, input: UpdateConversationInput): Promise<Conversation> {
    // Nothing to change: answer the row rather than send the function an empty PATCH.
    if (input.title === undefined && input.model === undefined && input.settings === undefined) {
      return this.getConversation(user, conversationId);
    }
    return this.call('updateConversation', user, { ...input, conversation_id: conversationId });
  }

  listBranches(user: UserContext, conversationId: string): Promise<Branch[]> {
    return this.call('listBranches', user, { conversation_id: conversationId });
  }

  createBranch(user: UserContext, conversationId: string, input: CreateBranchInput): Promise<Branch> {
    // The REST call requires a name; the port makes it optional.
    const name = input.name?.trim() || `Branch from ${input.from_message_id.slice(0, 8)}`;
    return this.call('createBranch', user, { conversation_id: conversationId, from_message_id: input.from_message_id, name });
  }

  activateBranch(user: UserContext, conversationId: string, branchId: string): Promise<void> {
    return this.call('activateBranch', user, { conversation_id: conversationId, branch_id: branchId });
  }

  getMessage(user: UserContext, messageId: string): Promise<Message> {
    return this.call('getMessage', user, { message_id: messageId });
  }

  editMessage(user: UserContext, messageId: string, content: string): Promise<Message> {
    return this.call('editMessage', user, { message_id: messageId, content });
  }

  async regenerateFork(user: UserContext, messageId: string, input: RegenerateForkInput): Promise<RegenerateFork> {
    const fork = await this.call('regenerateFork', user, { ...input, message_id: messageId });
    // The function's answer is assumed; when it leaves the conversation out, the reply knows it.
    const conversationId = fork.conversation_id ?? (await this.getMessage(user, messageId)).conversation_id;
    return { branch_id: fork.branch_id, parent_message_id: fork.parent_message_id, conversation_id: conversationId };
  }

  addUserMessage(user: UserContext, input: AddUserMessageInput): Promise<AddedUserMessage> {
    return this.call('addUserMessage', user, input);
  }

  saveAssistantMessage(user: UserContext, input: SaveAssistantMessageInput): Promise<SavedAssistantMessage> {
    return this.call('saveAssistantMessage', user, input);
  }

  buildContext(user: UserContext, input: BuildContextInput): Promise<BuiltContext> {
    return this.call('buildContext', user, input);
  }

  /** The universal proxy: one entry of the operation map, as one upstream call. */
  private async call<K extends OperationName>(name: K, user: UserContext, input: OperationInput<K>): Promise<OperationOutput<K>> {
    const op = EDGE_FUNCTION_OPERATIONS[name] as unknown as EdgeFunctionOperation<OperationInput<K>, TSchema, OperationOutput<K>>;
    const params = op.params?.(input) ?? {};
    for (const value of Object.values(params)) {
      if (value !== undefined && !isUuid(value)) throw new AppError('NOT_FOUND', `${op.resource} not found`);
    }
    const url = op.path.replace(/\{(\w+)\}/g, (_, key: string) => {
      const value = params[key];
      if (value === undefined) throw new Error(`edge function operation ${name}: no value for {${key}}`);
      return encodeURIComponent(value);
    });
    const body = op.body?.(input);
    const res = await this.upstream.request<unknown>({
      operation: name,
      idempotent: op.idempotent,
      requestId: user.requestId,
      method: op.method,
      url,
      params: op.query?.(input),
      data: body,
      headers: {
        Authorization: `Bearer ${user.token}`,
        apikey: this.options.anonKey,
        Accept: 'application/json',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
    });
    const headers = res.headers as Record<string, unknown>;
    if (res.status < 200 || res.status >= 300) {
      const error = edgeFunctionError({
        operation: name,
        resource: op.resource,
        status: res.status,
        headers,
        data: res.data,
        nowMs: this.clock.nowMs(),
      });
      this.logger.info(
        {
          upstream: EDGE_FUNCTION_UPSTREAM,
          operation: name,
          status: res.status,
          code: error.code,
          upstream_message: upstreamMessage(res.data),
        },
        'edge function refused the call',
      );
      throw error;
    }
    return op.transform(this.payload(name, op.response, res.status, res.data), input);
  }

  /** The `data` of a success envelope, checked against the operation's schema. */
  private payload(operation: string, schema: TSchema, status: number, body: unknown): unknown {
    // A 204 (or an empty 200) carries no payload: only operations that expect none accept it.
    const envelope = status === 204 || body === '' ? { success: true, data: null } : body;
    if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
      throw contractError(operation, 'body is not a JSON envelope');
    }
    const { success, data } = envelope as { success?: unknown; data?: unknown };
    if (success === false) {
      // An error in a 2xx: the function failed and said so.
      throw new AppError('UPSTREAM_ERROR', 'The conversation service answered with an error', {
        details: { upstream: EDGE_FUNCTION_UPSTREAM, operation, status, upstream_message: upstreamMessage(envelope) ?? null },
      });
    }
    if (success !== true) throw contractError(operation, 'no success flag in the envelope');
    const value = data === undefined ? null : data;
    const validate = validatorFor(schema);
    const errors = validate(value);
    if (errors.length > 0) throw contractError(operation, 'unexpected data shape', toFieldErrors(errors, 'data'));
    return value;
  }
}
