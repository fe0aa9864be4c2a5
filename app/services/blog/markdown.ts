import { Marked } from 'marked'
import sanitizeHtml from 'sanitize-html'
import { SANITIZE_OPTIONS } from '#sending/message_renderer'

/**
 * Blog posts are written in Markdown and stored as sanitised HTML. Markdown
 * lets authors write raw HTML, so whatever marked produces goes through the
 * same allow-list as messages: no scripts, event handlers, javascript:
 * links, frames, forms or style sheets, and only a few classes.
 */

/**
 * Where a post's images may come from: http(s) or our own uploads.
 */
const IMAGE_SOURCE = /^(?:https?:\/\/|\/uploads\/)/i

const POST_SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  ...SANITIZE_OPTIONS,
  allowedTags: [
    ...(SANITIZE_OPTIONS.allowedTags as string[]),
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'pre',
  ],
  allowedAttributes: {
    ...(SANITIZE_OPTIONS.allowedAttributes as Record<string, string[]>),
    // rel is always ours (transformTags below), whatever the author wrote.
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
  },
  // Relative links stay (our own pages); protocol-relative ones do not.
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  transformTags: {
    // Outbound links pass no ranking and no window.opener.
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'nofollow noopener' },
    }),
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs
      return { tagName, attribs: src && IMAGE_SOURCE.test(src) ? attribs : rest }
    },
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
}

/**
 * One parser for the process, with GitHub-flavoured Markdown; marked's own
 * output is trusted no more than the author's HTML.
 */
const marked = new Marked({ gfm: true, breaks: false, async: false })

/**
 * A post's Markdown as HTML that is safe to show on the public blog.
 */
export function renderPostMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false })
  return sanitizeHtml(html, POST_SANITIZE_OPTIONS).trim()
}
