import { createHash } from 'node:crypto';
import type { PublicShare } from '../../../domain/share/share';
import { escapeHtml, renderMarkdown } from './markdown';

/** The page's only style, inline and allowed by its hash: no stylesheet route, no 'unsafe-inline'. */
const STYLE = `
:root{color-scheme:light dark;--fg:#1c1c1e;--muted:#6b6b70;--bg:#fff;--user:#eef2ff;--code:#f4f4f5;--border:#e4e4e7}
@media (prefers-color-scheme:dark){:root{--fg:#ececf1;--muted:#a1a1aa;--bg:#111114;--user:#1e2235;--code:#1f1f24;--border:#2e2e35}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:760px;margin:0 auto;padding:16px}
header{border-bottom:1px solid var(--border);margin-bottom:16px}
h1{font-size:1.35rem;margin:.4em 0}
.meta{color:var(--muted);font-size:.85rem;margin:0 0 12px}
article{margin:0 0 16px;padding:10px 14px;border-radius:12px;overflow-wrap:anywhere}
article.user{background:var(--user)}
article.system{border:1px dashed var(--border)}
.role{display:block;font-size:.75rem;font-weight:600;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin-bottom:4px}
.text{white-space:pre-wrap;margin:0}
pre{background:var(--code);padding:10px;border-radius:8px;overflow-x:auto}
code{background:var(--code);padding:.1em .3em;border-radius:4px;font-size:.9em}
pre code{padding:0;background:none}
table{border-collapse:collapse;display:block;overflow-x:auto}
th,td{border:1px solid var(--border);padding:4px 8px}
img{max-width:100%}
footer{color:var(--muted);font-size:.8rem;border-top:1px solid var(--border);padding-top:8px}
`.trim();

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * No script at all (`script-src 'none'`), the one inline style by hash, no images or fonts,
 * nothing framed, no forms, no base URL: a message can at worst show text.
 */
export const SHARE_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ROLE_LABEL: Record<string, string> = { user: 'User', assistant: 'Assistant', system: 'System' };

function page(title: string, description: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<meta property="og:type" content="article">
<meta property="og:title" content="${escapeHtml(title)}">
<meta property="og:description" content="${escapeHtml(description)}">
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The shared snapshot as a page: user text as text, replies as sanitised Markdown. */
export function renderSharePage(share: PublicShare): string {
  const title = share.snapshot.title?.trim() || 'Shared conversation';
  const first = share.snapshot.messages.find((m) => m.role === 'user')?.content ?? '';
  const description = first.length > 160 ? `${first.slice(0, 157)}…` : first;
  const messages = share.snapshot.messages
    .map((m) => {
      const body =
        m.role === 'assistant'
          ? `<div class="markdown">${renderMarkdown(m.content)}</div>`
          : `<p class="text">${escapeHtml(m.content)}</p>`;
      const model = m.role === 'assistant' && m.model ? ` · ${escapeHtml(m.model)}` : '';
      return `<article class="${m.role}"><span class="role">${ROLE_LABEL[m.role] ?? escapeHtml(m.role)}${model}</span>${body}</article>`;
    })
    .join('\n');
  const shared = new Date(share.shared_at).toUTCString();
  return page(
    title,
    description,
    `<header><h1>${escapeHtml(title)}</h1><p class="meta">Shared ${escapeHtml(shared)} · ${share.snapshot.messages.length} messages · read-only snapshot</p></header>
${messages}
<footer>A read-only copy of a conversation, as it was when it was shared.</footer>`,
  );
}

/** What a revoked or unknown link shows. */
export function renderShareNotFound(): string {
  return page(
    'Link not found',
    '',
    '<header><h1>This link does not exist</h1></header><p>The conversation was never shared under this address, or its owner has stopped sharing it.</p>',
  );
}
