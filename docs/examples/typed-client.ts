// The generated, typed client (clients/typescript) with the Supabase session.
import { createGatewayClient, type GatewayClient } from '../../clients/typescript';
import { GatewayError, type SessionSource } from './gateway-api';

export function createApi(baseUrl: string, auth: SessionSource): GatewayClient {
  // supabase-js refreshes the session before it expires; getSession() answers the current token.
  return createGatewayClient(baseUrl, async () => {
    const { data } = await auth.getSession();
    if (!data.session) throw new GatewayError({ status: 401, code: 'AUTH_REQUIRED', message: 'Not signed in' });
    return data.session.access_token;
  });
}

/** Renames a conversation: paths, parameters, bodies and answers are all typed from the OpenAPI document. */
export async function renameConversation(api: GatewayClient, id: string, title: string): Promise<string | null> {
  const { data, error } = await api.PATCH('/v1/conversations/{id}', { params: { path: { id } }, body: { title } });
  if (error) throw new GatewayError({ status: 0, code: error.error.code, message: error.error.message, requestId: error.error.request_id });
  return data.data.title;
}
