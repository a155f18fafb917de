import { buildOpenApiDocument } from '../../openapi/build-openapi';
import type { RouteSpec } from '../routing/route-spec';
import { docsRoutes } from './docs.routes';
import { healthRoutes, serviceInfoRoutes } from './health.routes';
import { modelsRoutes } from './models.routes';

/**
 * Every route the service serves, in documentation order. The OpenAPI document, `/info` and the
 * router are all built from this one list.
 */
export function allRoutes(): RouteSpec[] {
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
  routes.push(...serviceInfoRoutes(() => routes), ...healthRoutes(), ...docsRoutes(document));
  routes.push(...modelsRoutes());
  return routes;
}
