import { buildOpenApiDocument } from '../../openapi/build-openapi';
import { DOCUMENTATION_ONLY, type RouteDeps } from '../routing/route-deps';
import type { RouteSpec } from '../routing/route-spec';
import { chatRoutes } from './chat.routes';
import { streamRoutes } from './streams.routes';
import { conversationIndexRoutes } from './conversation-index.routes';
import { conversationRoutes } from './conversations.routes';
import { docsRoutes } from './docs.routes';
import { healthRoutes, serviceInfoRoutes } from './health.routes';
import { messageRoutes } from './messages.routes';
import { metricsRoutes } from './metrics.routes';
import { userRoutes } from './user.routes';
import { openAiRoutes } from './openai.routes';
import { modelsRoutes } from './models.routes';
import { importRoutes } from './import.routes';
import { shareRoutes } from './share.routes';

/**
 * Every route the service serves, in documentation order. The OpenAPI document, `/info` and the
 * router are all built from this one list; only the router's copy has real dependencies.
 */
export function allRoutes(deps: RouteDeps = DOCUMENTATION_ONLY): RouteSpec[] {
  const routes: RouteSpec[] = [];
  const documents = new Map<string, unknown>();
  const document = (version: string): unknown => {
    let doc = documents.get(version);
    if (!doc) {
      doc = buildOpenApiDocument(routes, { version });
      documents.set(version, doc);
    }
    return doc;
  };
  routes.push(
    ...chatRoutes(deps),
    ...streamRoutes(deps),
    // Before the conversation routes: `/v1/conversations/search` and `/batch` are not `{id}`s.
    ...conversationIndexRoutes(deps),
    ...conversationRoutes(deps),
    ...importRoutes(deps),
    ...shareRoutes(deps),
    ...messageRoutes(deps),
    ...userRoutes(deps),
    ...modelsRoutes(deps),
    ...openAiRoutes(deps),
    ...serviceInfoRoutes(deps, () => routes),
    ...healthRoutes(deps),
    ...metricsRoutes(deps),
    ...docsRoutes(deps, document),
  );
  return routes;
}
