import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown of shared replies as HTML that cannot run anything. Two layers, each enough alone:
 * markdown-it with raw HTML off (a `<script>` in a message is text) and its link check (no
 * `javascript:`, `vbscript:`, `file:` or non-image `data:` links), then sanitize-html with an
 * allow-list of the elements Markdown produces, no attributes but a link's `href`/`title` and
 * a code block's language class, only http(s)/mailto links, and images turned into links.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'em',
    'strong',
    'del',
    's',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], code: ['class'], th: ['style'], td: ['style'] },
  allowedStyles: { th: { 'text-align': [/^(left|right|center)$/] }, td: { 'text-align': [/^(left|right|center)$/] } },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer ugc', target: '_blank' }),
    // An image would be fetched from wherever its author chose, telling that server who reads: a link instead.
    img: (_tag, attribs) => ({
      tagName: 'a',
      attribs: { href: attribs.src ?? '', rel: 'nofollow noopener noreferrer ugc', target: '_blank' },
      text: attribs.alt || attribs.src || 'image',
    }),
  },
};

export function renderMarkdown(text: string): string {
  return sanitizeHtml(md.render(text), SANITIZE);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
