import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Config } from './config/config';
import { auth } from './wiring/auth.wiring';
import { chat } from './wiring/chat.wiring';
import { conversationIndex } from './wiring/conversation-index.wiring';
import { conversations } from './wiring/conversations.wiring';
import { debugRequests } from './wiring/debug.wiring';
import { health } from './wiring/health.wiring';
import { registerInfrastructure } from './wiring/infrastructure.wiring';
import { importConversations } from './wiring/import.wiring';
import { models } from './wiring/models.wiring';
import { ADAPTER_BINDINGS, type AdapterBinding, type ContainerOverrides, type FeatureModule } from './wiring/shared';
import { streams } from './wiring/streams.wiring';
import { users } from './wiring/users.wiring';

export { Resources, RESOURCES } from './wiring/resources';
export { ADAPTER_BINDINGS, type AdapterBinding, type ContainerOverrides } from './wiring/shared';

/**
 * The features of the service, wired in this order. A module may use what an earlier one
 * registered (the conversation index reads the conversation store).
 */
const FEATURES: readonly FeatureModule[] = [
  auth, // access tokens: Supabase JWTs, HS* or through the JWKS
  models, // the model catalogue
  users, // profiles, balances, key spend
  health, // dependency probes for /health
  conversations, // conversations, branches, messages
  chat, // the model proxy, chat turns and their listeners
  streams, // resumable streams: the stream log, stop from anywhere, claims of turns whose replica died
  conversationIndex, // search, filtered lists, batch updates and deletion, export, usage, statistics
  importConversations, // import of ChatGPT, Claude and gateway exports
  debugRequests, // development only: the request journal
];

/**
 * The one place that picks adapters from the configuration and wires them. Each call gives a fresh
 * child container, so tests never share singletons. Every registration is an explicit singleton:
 * tsyringe's default scope is transient, which would silently give a new in-memory store per resolve.
 */
export function buildContainer(config: Config, overrides: ContainerOverrides = {}): DependencyContainer {
  const container = rootContainer.createChildContainer();
  const bindings: AdapterBinding[] = [];
  const shared = registerInfrastructure(container, config, overrides, bindings);
  for (const feature of FEATURES) feature.register(container, config, shared);
  container.registerInstance(ADAPTER_BINDINGS, bindings);
  return container;
}
