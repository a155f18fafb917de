// Sharing a branch as a read-only link, listing and revoking links, and reading one without a token.
import type { Share, SharedSnapshot } from '../../clients/typescript';
import { gatewayErrorOf, type Gateway } from './gateway-api';

/** A snapshot of the branch (default: the active one) as it is now; `url` is the page to send people. */
export function shareBranch(gateway: Gateway, conversationId: string, branchId?: string): Promise<Share> {
  return gateway.call<Share>('POST', `/v1/conversations/${conversationId}/shares`, branchId ? { branch_id: branchId } : {});
}

export function listShares(gateway: Gateway, conversationId: string): Promise<Share[]> {
  return gateway.call<Share[]>('GET', `/v1/conversations/${conversationId}/shares`);
}

/** The link stops working at once (404 for everyone). */
export async function revokeShare(gateway: Gateway, shareId: string): Promise<void> {
  await gateway.call('DELETE', `/v1/shares/${shareId}`);
}

/**
 * For a viewer without an account: plain fetch, no token. Pass the previous ETag to revalidate
 * cheaply; `null` means unchanged (304).
 */
export async function readShare(
  baseUrl: string,
  shareId: string,
  etag?: string,
): Promise<{ snapshot: SharedSnapshot; etag: string | null } | null> {
  const response = await fetch(`${baseUrl}/v1/shares/${shareId}`, { headers: etag ? { 'If-None-Match': etag } : {} });
  if (response.status === 304) return null;
  if (!response.ok) throw await gatewayErrorOf(response);
  const body = (await response.json()) as { data: SharedSnapshot };
  return { snapshot: body.data, etag: response.headers.get('ETag') };
}
