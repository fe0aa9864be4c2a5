import Mustache from 'mustache'
import sanitizeHtml from 'sanitize-html'
import type { AttributeValue, AttributeValues } from '#audiences/attribute_values'
import { transferEncodingOf, type TransferEncoding } from '#sending/text_encoding'

/**
 * Message templates: what a message may contain, how its HTML is cleaned
 * when saved, and how it is rendered for one client. Used by the preview
 * and by the sending engine, so both show exactly the same thing.
 *
 * Templates are Mustache, restricted to plain placeholders: three fixed
 * ones and the workspace's attributes (`{{ client.attributes.company }}`);
 * no sections, partials, triple braces or changed delimiters, so a message
 * is text with holes in it and nothing else (logic-less).
 */

export const PLACEHOLDERS = ['client.full_name', 'client.email', 'unsubscribe_url'] as const
export type Placeholder = (typeof PLACEHOLDERS)[number]

/**
 * `client.attributes.<key>`, the key as attribute keys are made.
 */
const ATTRIBUTE_PLACEHOLDER = /^client\.attributes\.([a-z][a-z0-9_]{0,39})$/

/**
 * The allowed placeholders as a user writes them, for help texts and
 * error messages.
 */
export const PLACEHOLDER_LIST =
  '{{ client.full_name }}, {{ client.email }}, {{ client.attributes.<key> }} or {{ unsubscribe_url }}'

/**
 * The allowed placeholders of a workspace, its attributes' by name.
 */
export function placeholderList(attributeKeys: Iterable<string>) {
  const names = [
    'client.full_name',
    'client.email',
    ...[...attributeKeys].map((key) => `client.attributes.${key}`),
  ]
  return `${names.map((name) => `{{ ${name} }}`).join(', ')} or {{ unsubscribe_url }}`
}

/**
 * Which attribute keys a template may use: the workspace's (when saving a
 * message), or any well-formed key (when sending one saved earlier: an
 * attribute deleted since renders empty rather than stopping a mailing).
 */
export type KnownAttributes = ReadonlySet<string> | 'any'

/**
 * What the placeholders are replaced with. Missing values render empty.
 */
export interface PlaceholderValues {
  client: {
    full_name?: string | null
    email?: string | null
    attributes?: AttributeValues | null
  }
  unsubscribe_url?: string | null
}

export interface MessageTemplate {
  subject: string
  bodyText: string
  bodyHtml: string | null
}

export interface RenderedMessage {
  /** One line of plain text, ready for the Subject header. */
  subject: string
  /** The plain-text body. */
  text: string
  /** A complete HTML document, or null when the message has no HTML body. */
  html: string | null
  /**
   * How each part goes on the wire, decided by the first message a compiled
   * template renders (text_encoding.ts).
   */
  transferEncoding: { text?: TransferEncoding; html?: TransferEncoding }
}

/**
 * A template that cannot be rendered: it does not parse, or it uses
 * something other than the allowed placeholders. Saving refuses such
 * templates, so meeting one while rendering means it was stored some other
 * way.
 */
export class TemplateError extends Error {}

/**
 * Raised for templates Mustache cannot parse, with a sentence for the user.
 */
export class TemplateSyntaxError extends TemplateError {}

type Token = Mustache.TemplateSpans[number]

const ALLOWED = new Set<string>(PLACEHOLDERS)

/**
 * Client details are typed by the business (or imported from a CSV), so
 * they must not decide where a link goes: `href="{{ client.full_name }}"`
 * would let a name such as "javascript:…" become the link. Attributes too.
 */
const CLIENT_PLACEHOLDERS = new Set<string>(['client.full_name', 'client.email'])
const isClientPlaceholder = (name: string) =>
  CLIENT_PLACEHOLDERS.has(name) || ATTRIBUTE_PLACEHOLDER.test(name)

/**
 * The attribute key of a placeholder's name, or null.
 */
function attributeKeyOf(name: string) {
  return ATTRIBUTE_PLACEHOLDER.exec(name)?.[1] ?? null
}
const URL_ATTRIBUTE_START = /\s(?:href|src)="\s*$/i

/**
 * Parses with a fresh writer: Mustache's shared writer caches every
 * template it parses, forever, which a long-running process should not do
 * with user input.
 */
function parse(template: string): Token[] {
  try {
    return new Mustache.Writer().parse(template)
  } catch (error) {
    throw new TemplateSyntaxError(describeSyntaxError(template, error as Error))
  }
}

function describeSyntaxError(template: string, error: Error) {
  if (error.message.startsWith('Unclosed tag')) {
    const snippet = unclosedTag(template)
    return snippet
      ? `"${snippet}" is missing its closing }}.`
      : 'A placeholder is missing its closing }}.'
  }
  if (/^Un(?:closed|opened) section/.test(error.message)) {
    return `Sections such as {{#…}}, {{^…}} and {{/…}} are not supported. Use ${PLACEHOLDER_LIST}.`
  }
  return `The placeholders cannot be read (${error.message}).`
}

/**
 * The first "{{" that is not closed before the next one opens, with a few
 * characters after it so the user can find it.
 */
function unclosedTag(template: string) {
  let open = template.indexOf('{{')
  while (open !== -1) {
    const close = template.indexOf('}}', open + 2)
    const next = template.indexOf('{{', open + 2)
    if (close === -1 || (next !== -1 && next < close)) {
      const snippet = template.slice(open, open + 30).split('\n')[0]
      return snippet.length < template.length - open ? `${snippet}…` : snippet
    }
    open = template.indexOf('{{', close + 2)
  }
  return null
}

/**
 * Every tag of a template, sections' contents included.
 */
function* tagsOf(tokens: Token[]): Generator<Token> {
  for (const token of tokens) {
    if (token[0] === 'text') continue
    yield token
    if ((token[0] === '#' || token[0] === '^') && Array.isArray(token[4])) {
      yield* tagsOf(token[4])
    }
  }
}

/**
 * The tags of a template that are not one of the allowed placeholders, as
 * the user wrote them (each once, in order): unknown names (an attribute the
 * workspace does not have among them), but also sections, inverted
 * sections, partials, comments, unescaped triple braces and delimiter
 * changes. Spacing does not matter: `{{client.email}}` is fine. Throws a
 * TemplateSyntaxError when the template does not parse.
 */
export function findUnknownPlaceholders(
  template: string,
  attributeKeys: KnownAttributes = new Set()
): string[] {
  return unknownTags(template, parse(template), attributeKeys)
}

function unknownTags(template: string, tokens: Token[], attributeKeys: KnownAttributes) {
  const unknown = new Set<string>()
  for (const [type, name, start, end] of tagsOf(tokens)) {
    if (type === 'name' && isAllowed(name, attributeKeys)) continue
    unknown.add(type === 'name' && name ? `{{ ${name} }}` : template.slice(start, end))
  }
  return [...unknown]
}

function isAllowed(name: string, attributeKeys: KnownAttributes) {
  if (ALLOWED.has(name)) return true
  const key = attributeKeyOf(name)
  return key !== null && (attributeKeys === 'any' || attributeKeys.has(key))
}

/**
 * Whether a saved template renders the attribute (`{{ client.attributes.<key> }}`):
 * deleting the attribute would leave it empty in every mail. A template
 * that does not parse (saving refuses those) uses nothing.
 */
export function usesAttribute(template: string, key: string) {
  try {
    for (const [type, name] of tagsOf(parse(template))) {
      if (type === 'name' && attributeKeyOf(name) === key) return true
    }
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error
  }
  return false
}

/**
 * Client placeholders that begin a link or image address in an HTML
 * template (see CLIENT_PLACEHOLDERS). Expects sanitised HTML, whose
 * attributes are always double-quoted.
 */
export function findPlaceholdersStartingUrls(html: string): string[] {
  return placeholdersStartingUrls(html, parse(html))
}

function placeholdersStartingUrls(html: string, tokens: Token[]) {
  const found = new Set<string>()
  for (const [type, name, start] of tagsOf(tokens)) {
    if (
      type === 'name' &&
      isClientPlaceholder(name) &&
      URL_ATTRIBUTE_START.test(html.slice(Math.max(0, start - 200), start))
    ) {
      found.add(`{{ ${name} }}`)
    }
  }
  return [...found]
}

/**
 * Only safe CSS values: no url(), expression() or other functions that
 * fetch or compute something, since email HTML lives on inline styles.
 */
const SAFE_CSS_VALUE =
  /^(?!.*\b(?:url|expression|image-set|image|var|env|attr)\s*\()[-#\w\s.,%()'"/!]*$/i
const STYLE_PROPERTIES = [
  'color',
  'background-color',
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'line-height',
  'letter-spacing',
  'text-align',
  'text-decoration',
  'text-transform',
  'vertical-align',
  'white-space',
  'width',
  'max-width',
  'min-width',
  'height',
  'max-height',
  'display',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-color',
  'border-style',
  'border-width',
  'border-radius',
  'border-collapse',
  'border-spacing',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
]

const TABLE_CELL_ATTRIBUTES = [
  'colspan',
  'rowspan',
  'align',
  'valign',
  'width',
  'height',
  'bgcolor',
]

/**
 * The only classes HTML written by people keeps: a few for text and tables
 * that our pages style (a blog post is shown inside them), and Markdown's
 * code-block language. Every other class is dropped, so nobody borrows the
 * site's layout utilities (`position-fixed`, `vw-100`, `z-3`…) to lay a
 * post over the page around it.
 */
const ALLOWED_CLASSES: Record<string, string[]> = {
  '*': ['lead', 'small', 'text-muted', 'text-center', 'text-end', 'fw-bold', 'fst-italic'],
  'code': ['language-*'],
  'img': ['img-fluid', 'rounded'],
  'table': ['table', 'table-striped', 'table-sm'],
}

/**
 * What HTML written by people may contain. Messages use it as is; blog posts
 * (app/services/blog/markdown.ts) build on it.
 */
export const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'del', 'ins', 'center', 'font'],
  // Also what lets the class attribute through.
  allowedClasses: ALLOWED_CLASSES,
  allowedAttributes: {
    '*': ['style', 'dir', 'lang', 'title', 'align'],
    'a': ['href', 'name', 'target', 'rel'],
    'img': ['src', 'alt', 'width', 'height', 'border'],
    'font': ['color', 'face', 'size'],
    'table': ['width', 'border', 'cellpadding', 'cellspacing', 'bgcolor', 'role'],
    'td': TABLE_CELL_ATTRIBUTES,
    'th': TABLE_CELL_ATTRIBUTES,
    'tr': ['align', 'valign', 'bgcolor'],
    'col': ['span', 'width'],
    'colgroup': ['span', 'width'],
    'ol': ['start', 'type'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  allowedStyles: {
    '*': Object.fromEntries(STYLE_PROPERTIES.map((property) => [property, [SAFE_CSS_VALUE]])),
  },
  // Dropped with their content. "title" keeps a pasted document's <title>
  // out of the body; the rest are sanitize-html's own list.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'xmp', 'noscript', 'title'],
  transformTags: {
    // Images need an absolute http(s) address to show up in a mailbox.
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs
      return { tagName, attribs: src && /^https?:\/\//i.test(src) ? attribs : rest }
    },
  },
}

/**
 * Cleans a message's HTML body before it is stored: no scripts, event
 * handlers, javascript: links, frames, objects, forms or style sheets;
 * ordinary formatting, links, http(s) images, tables and harmless inline
 * styles stay. Placeholders are left as they are.
 */
export function sanitizeMessageHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS).trim()
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * Escapes a value for HTML text and (always double-quoted, since the HTML
 * was sanitised) attribute values. Unlike Mustache's default it leaves "/"
 * and "=" alone, so links such as the unsubscribe URL stay readable in the
 * mail's source.
 */
function escapeHtml(value: unknown) {
  return String(value).replace(/[&<>"']/g, (character) => HTML_ESCAPES[character])
}

function keepAsIs(value: unknown) {
  return String(value)
}

/**
 * The placeholders' values for one recipient, by placeholder name, and the
 * client's attributes.
 */
type Values = Record<Placeholder, string> & { attributes: AttributeValues }

/**
 * An attribute as a message shows it: text, choices and dates (YYYY-MM-DD)
 * as stored, numbers as written in JSON, booleans as yes or no; empty when
 * the client has no value.
 */
export function attributeText(value: AttributeValue | undefined | null) {
  if (value === undefined || value === null) return ''
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return String(value)
}

/**
 * Parses a template once, refusing what a user could not have saved, and
 * returns a function that renders it. A checked template is text and
 * placeholders only, so it is kept as its pieces (text as is, a placeholder
 * as its name) and rendering joins them: per recipient, only the holes are
 * filled. Mustache's own renderer walked the tokens with a new lookup context
 * for each recipient, a few times the cost, for the same output.
 */
function compileTemplate(template: string, { html }: { html: boolean }) {
  const tokens = parse(template)
  const unknown = unknownTags(template, tokens, 'any')
  if (unknown.length > 0) {
    throw new TemplateError(`Unknown placeholders ${unknown.join(', ')}`)
  }
  const inUrls = html ? placeholdersStartingUrls(template, tokens) : []
  if (inUrls.length > 0) {
    throw new TemplateError(`${inUrls.join(', ')} cannot start a link or image address`)
  }

  // Only text and allowed names are left (unknownTags refused the rest).
  const pieces: Piece[] = tokens.map(([type, value]) => {
    if (type === 'text') return { text: value }
    const attribute = attributeKeyOf(value)
    return attribute === null ? { placeholder: value as Placeholder } : { attribute }
  })
  const escape = html ? escapeHtml : keepAsIs
  const render = (values: Values) => {
    let rendered = ''
    for (const piece of pieces) {
      if (piece.text !== undefined) rendered += piece.text
      else if (piece.placeholder) rendered += escape(values[piece.placeholder])
      else rendered += escape(attributeText(values.attributes[piece.attribute]))
    }
    return rendered
  }
  return { render, usesAttributes: pieces.some((piece) => piece.attribute !== undefined) }
}

type Piece =
  | { text: string; placeholder?: never; attribute?: never }
  | { text?: never; placeholder: Placeholder; attribute?: never }
  | { text?: never; placeholder?: never; attribute: string }

/**
 * The HTML body wrapped as a complete document, around its subject and body.
 */
const DOCUMENT_START = [
  '<!DOCTYPE html>',
  '<html>',
  '<head>',
  '<meta charset="utf-8">',
  '<meta name="viewport" content="width=device-width, initial-scale=1">',
  '<title>',
].join('\n')
const DOCUMENT_MIDDLE = ['</title>', '</head>', '<body>', ''].join('\n')
const DOCUMENT_END = ['', '</body>', '</html>', ''].join('\n')

function htmlDocument(subject: string, body: string) {
  return DOCUMENT_START + escapeHtml(subject) + DOCUMENT_MIDDLE + body + DOCUMENT_END
}

/**
 * Checks and parses a message's templates once and returns a function that
 * renders it for one recipient, for sending the same message to many
 * clients. Throws a TemplateError when a template is not one a user could
 * have saved. `usesAttributes` says whether the recipients' attributes are
 * needed (the sending engine loads them only then).
 */
export function compileMessage(message: MessageTemplate) {
  const subject = compileTemplate(message.subject, { html: false })
  const text = compileTemplate(message.bodyText, { html: false })
  const html = message.bodyHtml ? compileTemplate(message.bodyHtml, { html: true }) : null
  const renderSubject = subject.render
  const renderText = text.render
  const renderHtml = html?.render ?? null

  // Chosen by the first message rendered, for every later one.
  let transferEncoding: RenderedMessage['transferEncoding'] | undefined
  const render = (values: PlaceholderValues): RenderedMessage => {
    const filled: Values = {
      'client.full_name': values.client.full_name ?? '',
      'client.email': values.client.email ?? '',
      'unsubscribe_url': values.unsubscribe_url ?? '',
      'attributes': values.client.attributes ?? {},
    }
    // A header is one line, whatever a client's name contains.
    const renderedSubject = renderSubject(filled)
      .replace(/\s*[\r\n]+\s*/g, ' ')
      .trim()

    const renderedText = renderText(filled)
    const renderedHtml = renderHtml ? htmlDocument(renderedSubject, renderHtml(filled)) : null
    transferEncoding ??= {
      text: transferEncodingOf(renderedText),
      html: transferEncodingOf(renderedHtml),
    }
    return { subject: renderedSubject, text: renderedText, html: renderedHtml, transferEncoding }
  }
  return Object.assign(render, {
    usesAttributes: subject.usesAttributes || text.usesAttributes || Boolean(html?.usesAttributes),
  })
}

/**
 * Renders a message for one recipient: subject and text as plain text,
 * HTML with every value escaped.
 */
export function renderMessage(message: MessageTemplate, values: PlaceholderValues) {
  return compileMessage(message)(values)
}
