// Deleting several conversations: the gateway first answers what would be deleted, then deletes on confirmation.
import type { ConfirmationRequired } from '../../clients/typescript';
import { GatewayError, type Gateway } from './gateway-api';

export interface BatchDeleteResult {
  results: { id: string; ok: boolean; error?: { code: string; message: string } }[];
  deleted: number;
  not_found: number;
}

type Preview = ConfirmationRequired['error']['details'];

/**
 * `confirm` shows the preview (titles and message counts of the user's conversations among `ids`)
 * and resolves true to delete. Resolves null when the user declined: nothing was deleted.
 */
export async function deleteConversations(
  gateway: Gateway,
  ids: string[],
  confirm: (preview: Preview) => Promise<boolean>,
): Promise<BatchDeleteResult | null> {
  try {
    // Without a token nothing is deleted: the answer is always 409 with the preview.
    return await gateway.call<BatchDeleteResult>('DELETE', '/v1/conversations/batch', { ids });
  } catch (err) {
    if (!(err instanceof GatewayError) || err.code !== 'CONFIRMATION_REQUIRED') throw err;
    const preview = err.details as Preview;
    if (!(await confirm(preview))) return null;
    return gateway.call<BatchDeleteResult>('DELETE', '/v1/conversations/batch', { ids, confirmation_token: preview.confirmation_token });
  }
}
