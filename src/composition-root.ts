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
import { shares } from './wiring/shares.wiring';
import { ADAPTER_BINDINGS, type AdapterBinding, type ContainerOverrides, type FeatureModule } from './wiring/shared';
import { streams } from './wiring/streams.wiring';
import { users } from './wiring/users.wiring';
import { DATABASE } from './wiring/database.wiring';
import { LOGGER } from './ports/logger.port';

export { Resources, RESOURCES } from './wiring/resources';
export { ADAPTER_BINDINGS, type AdapterBinding, type ContainerOverrides } from './wiring/shared';
export { DATABASE } from './wiring/database.wiring';

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
  shares, // read-only share links and their public page
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

/**
 * What must be done before the service takes traffic: the database migrations. Rejects with the
 * reason when they fail (or the database cannot be reached); start-up then stops.
 */
export async function startServices(container: DependencyContainer): Promise<void> {
  if (!container.isRegistered(DATABASE, true)) return;
  const database = container.resolve(DATABASE);
  const applied = await database.whenReady().catch((err: unknown) => {
    throw new Error(`the ${database.info.driver} database at ${database.info.location} is not ready: ${(err as Error).message}`, {
      cause: err,
    });
  });
  const message = applied.length > 0 ? 'database migrated' : 'database schema up to date';
  container.resolve(LOGGER).info({ driver: database.info.driver, location: database.info.location, applied }, message);
}
