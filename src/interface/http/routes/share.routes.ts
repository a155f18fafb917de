import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import { ShareLinks } from '../../../application/shares/share-links';
import { CONFIG } from '../../../config/config';
import { isAppError } from '../../../domain/errors/app-error';
import type { PublicShare, ShareSummary } from '../../../domain/share/share';
import type { RouteDeps } from '../routing/route-deps';
import { ok, raw, userOf, type RouteInput, type RouteSpec } from '../routing/route-spec';
import { IdParams } from '../schemas/conversation.schemas';
import { EX } from '../schemas/examples';
import { CreateShareBody, exampleShare, exampleSnapshot, ShareParams, ShareSchema, SharedSnapshotSchema } from '../schemas/share.schemas';
import { renderShareNotFound, renderSharePage, SHARE_PAGE_CSP } from '../share-page/render-share-page';

const TAGS = ['Sharing'];
const STORE_ERRORS = ['UPSTREAM_ERROR', 'UPSTREAM_CONTRACT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'] as const;

/** The public view: the snapshot and its time, flattened; nothing else of the share is sent. */
function publicView(share: PublicShare) {
  const { title, model, messages } = share.snapshot;
  return { share_id: share.share_id, title, model, shared_at: share.shared_at, messages };
}

/** Strong validator of the body: a snapshot never changes, so its hash is its version. */
function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

function notModified(input: RouteInput, etag: string): boolean {
  const given = input.koa.get('If-None-Match');
  return given !== '' && given.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Revalidated on every use (no-cache), so a revoked link is gone at once; 304 keeps that cheap. */
const CACHING = { 'Cache-Control': 'public, no-cache', Vary: 'Accept-Encoding' };

export function shareRoutes(deps: RouteDeps): RouteSpec[] {
  const config = deps.get(CONFIG);
  const links = deps.get(ShareLinks);
  /** Where links point: PUBLIC_BASE_URL when set, else the host the request came to. */
  const baseUrl = (input: RouteInput): string => (config.publicBaseUrl || `${input.koa.protocol}://${input.koa.host}`).replace(/\/+$/, '');
  const withUrls = (input: RouteInput, share: ShareSummary) => {
    const base = baseUrl(input);
    return { ...share, url: `${base}/s/${share.share_id}`, api_url: `${base}/v1/shares/${share.share_id}` };
  };

  return [
    {
      method: 'post',
      path: '/v1/conversations/{id}/shares',
      operationId: 'createShare',
      tags: TAGS,
      summary: 'Share a branch as a read-only link',
      description:
        'Makes a read-only snapshot of the branch (`branch_id`, default the active branch) as it is now, behind a random id ' +
        '(192 bits). `url` is a page for people (`GET /s/{share_id}`), `api_url` the same snapshot as JSON; neither needs a token. ' +
        "Later messages are not in it: share again for a newer snapshot. Only the owner can share: another user's conversation is 404.",
      params: IdParams,
      body: CreateShareBody,
      bodyExample: { branch_id: EX.mainBranchId },
      responses: { 201: { description: 'The share link.', schema: ShareSchema, example: exampleShare } },
      errors: ['NOT_FOUND', ...STORE_ERRORS],
      async handler(input) {
        const body = input.body as { branch_id?: string | null };
        const share = await links.create(userOf(input), input.params.id, body.branch_id ?? undefined);
        return ok(withUrls(input, share), 201);
      },
    },
    {
      method: 'get',
      path: '/v1/conversations/{id}/shares',
      operationId: 'listShares',
      tags: TAGS,
      summary: "List a conversation's share links",
      description: "The caller's live share links of the conversation, newest first (revoked ones are gone).",
      params: IdParams,
      responses: { 200: { description: 'The share links.', schema: Type.Array(ShareSchema), example: [exampleShare] } },
      errors: ['NOT_FOUND', ...STORE_ERRORS],
      async handler(input) {
        const shares = await links.list(userOf(input), input.params.id);
        return ok(shares.map((s) => withUrls(input, s)));
      },
    },
    {
      method: 'delete',
      path: '/v1/shares/{share_id}',
      operationId: 'revokeShare',
      tags: TAGS,
      summary: 'Revoke a share link',
      description:
        'The link stops working at once, everywhere (page and JSON answer 404). Only its owner can revoke it; anyone else gets 404.',
      params: ShareParams,
      responses: { 200: { description: 'Revoked.', schema: Type.Object({ revoked: Type.Literal(true) }), example: { revoked: true } } },
      errors: ['NOT_FOUND', ...STORE_ERRORS],
      async handler(input) {
        await links.revoke(userOf(input), input.params.share_id);
        return ok({ revoked: true });
      },
    },
    {
      method: 'get',
      path: '/v1/shares/{share_id}',
      operationId: 'readShare',
      tags: TAGS,
      capabilityUrl: true,
      summary: 'Read a shared snapshot (no token)',
      description:
        'Anyone with the id reads the snapshot: title, model, messages with roles and models, and when it was shared — never user ids, ' +
        'emails, conversation or message ids. Needs no token; limited per client IP (`RATE_LIMIT_ANONYMOUS`). Answers carry an `ETag` ' +
        '(send `If-None-Match` for a 304) and `Cache-Control: public, no-cache`, so caches revalidate and a revoked link is 404 at once.',
      params: ShareParams,
      responses: {
        200: {
          description: 'The snapshot.',
          schema: SharedSnapshotSchema,
          example: exampleSnapshot,
          headers: { ETag: { description: 'Version of the snapshot, for `If-None-Match`.', schema: Type.String() } },
        },
      },
      errors: ['NOT_FOUND', ...STORE_ERRORS],
      async handler(input) {
        const share = await links.read(input.params.share_id);
        const data = publicView(share);
        const etag = etagOf(JSON.stringify(data));
        if (notModified(input, etag)) return raw(null, 304, { ETag: etag, ...CACHING });
        return ok(data, 200, { ETag: etag, ...CACHING });
      },
    },
    {
      method: 'get',
      path: '/s/{share_id}',
      operationId: 'sharePage',
      tags: TAGS,
      public: true,
      summary: 'The page of a share link (HTML, no token)',
      description:
        'A small server-rendered page of the snapshot for people who open the link: readable on a phone, replies rendered from Markdown ' +
        'and sanitised (HTML in a message shows as text; only http(s) and mailto links; images become links), no script at all, ' +
        "a strict `Content-Security-Policy` (`default-src 'none'; script-src 'none'`; the one style by hash) and an Open Graph title. " +
        'An unknown or revoked link is a 404 page. `ETag` and `If-None-Match` (304) as for the JSON. Limited per client IP.',
      params: ShareParams,
      responses: {
        200: {
          description: 'The page.',
          contentType: 'text/html',
          envelope: false,
          schema: Type.String(),
          example: '<!doctype html><html lang="en"><head><title>Trip planning for Tbilisi</title>…</head><body>…</body></html>',
          headers: { ETag: { description: 'Version of the page, for `If-None-Match`.', schema: Type.String() } },
        },
      },
      errors: ['NOT_FOUND'],
      async handler(input) {
        const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': SHARE_PAGE_CSP };
        let html: string;
        try {
          html = renderSharePage(await links.read(input.params.share_id));
        } catch (err) {
          if (isAppError(err) && err.code === 'NOT_FOUND')
            return raw(renderShareNotFound(), 404, { ...headers, 'Cache-Control': 'no-store' });
          throw err;
        }
        const etag = etagOf(html);
        if (notModified(input, etag)) return raw(null, 304, { ETag: etag, ...CACHING });
        return raw(html, 200, { ...headers, ETag: etag, ...CACHING });
      },
    },
  ];
}
