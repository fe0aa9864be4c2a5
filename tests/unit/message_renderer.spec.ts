import { test } from '@japa/runner'
import {
  compileMessage,
  findPlaceholdersStartingUrls,
  findUnknownPlaceholders,
  renderMessage,
  sanitizeMessageHtml,
  TemplateError,
  TemplateSyntaxError,
} from '#sending/message_renderer'

const ada = {
  client: { full_name: 'Ada Lovelace', email: 'ada@example.com' },
  unsubscribe_url: 'https://mailings.test/unsubscribe/abc123?x=1&y=2',
}

function message(overrides: { subject?: string; bodyText?: string; bodyHtml?: string | null }) {
  return { subject: 'Hello', bodyText: 'Text', bodyHtml: null, ...overrides }
}

/**
 * The <body> of a rendered HTML document.
 */
function bodyOf(html: string | null) {
  const match = /<body>\n([\s\S]*)\n<\/body>/.exec(html ?? '')
  if (!match) throw new Error(`No body in ${html}`)
  return match[1]
}

test.group('Message renderer: rendering', () => {
  test('replaces the three placeholders in subject, text and HTML', ({ assert }) => {
    const rendered = renderMessage(
      message({
        subject: 'News for {{ client.full_name }}',
        bodyText:
          'Dear {{ client.full_name }} ({{ client.email }}),\nunsubscribe: {{ unsubscribe_url }}',
        bodyHtml:
          '<p>Dear {{ client.full_name }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>',
      }),
      ada
    )

    assert.equal(rendered.subject, 'News for Ada Lovelace')
    assert.equal(
      rendered.text,
      'Dear Ada Lovelace (ada@example.com),\nunsubscribe: https://mailings.test/unsubscribe/abc123?x=1&y=2'
    )
    assert.equal(
      bodyOf(rendered.html),
      '<p>Dear Ada Lovelace</p><a href="https://mailings.test/unsubscribe/abc123?x=1&amp;y=2">Unsubscribe</a>'
    )
  })

  test('the HTML is a complete document titled with the subject', ({ assert }) => {
    const rendered = renderMessage(
      message({ subject: 'Tips & <tricks>', bodyHtml: '<p>Hi</p>' }),
      ada
    )
    assert.match(rendered.html!, /^<!DOCTYPE html>/)
    assert.include(rendered.html!, '<meta charset="utf-8">')
    assert.include(rendered.html!, '<title>Tips &amp; &lt;tricks&gt;</title>')
  })

  test('a message without HTML renders no HTML', ({ assert }) => {
    assert.isNull(renderMessage(message({ bodyHtml: null }), ada).html)
  })

  test('escapes values in HTML but keeps them as typed in subject and text', ({ assert }) => {
    const rendered = renderMessage(
      message({
        subject: 'For {{ client.full_name }}',
        bodyText: 'Hi {{ client.full_name }}',
        bodyHtml: '<p title="{{ client.full_name }}">Hi {{ client.full_name }}</p>',
      }),
      { client: { full_name: `<script>alert("x")</script> O'Brien & Co`, email: 'a@b.c' } }
    )

    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; Co'
    assert.equal(bodyOf(rendered.html), `<p title="${escaped}">Hi ${escaped}</p>`)
    assert.notInclude(rendered.html!, '<script>')
    assert.equal(rendered.subject, `For <script>alert("x")</script> O'Brien & Co`)
    assert.equal(rendered.text, `Hi <script>alert("x")</script> O'Brien & Co`)
  })

  test('accepts any spacing inside the braces', ({ assert }) => {
    const rendered = renderMessage(
      message({
        bodyText: '{{client.email}}|{{ client.email}}|{{client.email }}|{{   client.email   }}',
      }),
      ada
    )
    assert.equal(rendered.text, 'ada@example.com|ada@example.com|ada@example.com|ada@example.com')
  })

  test('missing values render empty', ({ assert }) => {
    const rendered = renderMessage(
      message({
        subject: 'Hi {{ client.full_name }}!',
        bodyText: '[{{ client.full_name }}][{{ client.email }}][{{ unsubscribe_url }}]',
        bodyHtml: '<p>[{{ client.full_name }}]</p>',
      }),
      { client: { full_name: null } }
    )
    assert.equal(rendered.subject, 'Hi !')
    assert.equal(rendered.text, '[][][]')
    assert.equal(bodyOf(rendered.html), '<p>[]</p>')
  })

  test('the subject stays on one line whatever a name contains', ({ assert }) => {
    const rendered = renderMessage(message({ subject: 'Hi {{ client.full_name }}, news' }), {
      client: { full_name: 'Ada\r\nBcc: victim@example.com' },
    })
    assert.equal(rendered.subject, 'Hi Ada Bcc: victim@example.com, news')
  })

  test('values that look like placeholders are not rendered again', ({ assert }) => {
    const rendered = renderMessage(message({ bodyText: 'Hi {{ client.full_name }}' }), {
      client: { full_name: '{{ client.email }}', email: 'secret@example.com' },
    })
    assert.equal(rendered.text, 'Hi {{ client.email }}')
  })

  test('a compiled message renders many recipients', ({ assert }) => {
    const render = compileMessage(message({ bodyText: 'Hi {{ client.full_name }}' }))
    assert.equal(render({ client: { full_name: 'Ada' } }).text, 'Hi Ada')
    assert.equal(render({ client: { full_name: 'Grace' } }).text, 'Hi Grace')
  })

  test('refuses templates with sections, partials, triple braces or unknown names', ({
    assert,
  }) => {
    for (const template of [
      '{{#client}}{{ full_name }}{{/client}}',
      '{{^client.email}}nobody{{/client.email}}',
      '{{> footer}}',
      '{{{ client.full_name }}}',
      '{{& client.full_name }}',
      '{{ client.phone }}',
      '{{ constructor }}',
    ]) {
      assert.throws(() => renderMessage(message({ bodyText: template }), ada), TemplateError)
      assert.throws(() => renderMessage(message({ subject: template }), ada), TemplateError)
      assert.throws(() => renderMessage(message({ bodyHtml: template }), ada), TemplateError)
    }
  })

  test('refuses HTML where a client value would start a link', ({ assert }) => {
    assert.throws(
      () => renderMessage(message({ bodyHtml: '<a href="{{ client.full_name }}">x</a>' }), ada),
      TemplateError
    )
  })
})

test.group('Message renderer: unknown placeholders', () => {
  test('finds nothing in a template using only the allowed placeholders', ({ assert }) => {
    assert.deepEqual(
      findUnknownPlaceholders(
        'Hi {{ client.full_name }} <{{client.email}}>, bye: {{  unsubscribe_url  }}. No tags {here}.'
      ),
      []
    )
    assert.deepEqual(findUnknownPlaceholders(''), [])
  })

  test('names unknown placeholders once each, in order, as placeholders', ({ assert }) => {
    assert.deepEqual(
      findUnknownPlaceholders(
        '{{ client.phone }} {{client.city}} {{ client.phone }} {{ Client.Email }} {{ full_name }}'
      ),
      ['{{ client.phone }}', '{{ client.city }}', '{{ Client.Email }}', '{{ full_name }}']
    )
  })

  test('reports sections, inverted sections, partials, comments and delimiters as written', ({
    assert,
  }) => {
    assert.deepEqual(
      findUnknownPlaceholders(
        '{{#items}}{{ client.email }}{{ price }}{{/items}} {{^vip}}x{{/vip}} {{> footer}} {{! note }} {{=<% %>=}}'
      ),
      ['{{#items}}', '{{ price }}', '{{^vip}}', '{{> footer}}', '{{! note }}', '{{=<% %>=}}']
    )
  })

  test('reports unescaped triple braces even around an allowed name', ({ assert }) => {
    assert.deepEqual(findUnknownPlaceholders('{{{ client.full_name }}} {{& client.email }}'), [
      '{{{ client.full_name }}}',
      '{{& client.email }}',
    ])
  })

  test('reports an empty placeholder', ({ assert }) => {
    assert.deepEqual(findUnknownPlaceholders('Hi {{ }}'), ['{{ }}'])
  })

  test('an unclosed placeholder is a syntax error that shows where it is', ({ assert }) => {
    assert.throws(
      () => findUnknownPlaceholders('Hello {{ client.full_name, welcome'),
      TemplateSyntaxError,
      '"{{ client.full_name, welcome" is missing its closing }}.'
    )
    assert.throws(
      () =>
        findUnknownPlaceholders(
          '{{ client.email }} and {{ client.full_name and a long tail of words'
        ),
      TemplateSyntaxError,
      '"{{ client.full_name and a long…" is missing its closing }}.'
    )
  })

  test('an unbalanced section is a syntax error', ({ assert }) => {
    assert.throws(() => findUnknownPlaceholders('{{#items}} open'), TemplateSyntaxError, /Sections/)
    assert.throws(
      () => findUnknownPlaceholders('close {{/items}}'),
      TemplateSyntaxError,
      /Sections/
    )
  })

  test('finds client placeholders starting a link or image address', ({ assert }) => {
    assert.deepEqual(
      findPlaceholdersStartingUrls(
        '<a href="{{ client.full_name }}">a</a><img src=" {{client.email}}" /><a href="{{ unsubscribe_url }}">u</a>'
      ),
      ['{{ client.full_name }}', '{{ client.email }}']
    )
    assert.deepEqual(
      findPlaceholdersStartingUrls(
        '<a href="mailto:{{ client.email }}" title="{{ client.full_name }}">{{ client.full_name }}</a>'
      ),
      []
    )
  })
})

test.group('Message renderer: sanitising HTML', () => {
  test('removes scripts, event handlers and javascript: links', ({ assert }) => {
    const clean = sanitizeMessageHtml(
      '<p onclick="steal()">Hi</p><script>alert(1)</script><img src="https://x.test/a.png" onerror="alert(1)">' +
        '<a href="javascript:alert(1)">a</a><a href="JaVaScRiPt&colon;alert(1)">b</a><a href=" java\tscript:alert(1)">c</a>' +
        '<svg onload="alert(1)"><script>alert(2)</script></svg><xmp><script>alert(3)</script></xmp>'
    )
    assert.notMatch(clean, /<script/i)
    assert.notMatch(clean, /on\w+=/i)
    assert.notMatch(clean, /javascript/i)
    assert.notInclude(clean, 'alert')
    assert.include(clean, '<p>Hi</p>')
    assert.include(clean, '<img src="https://x.test/a.png" />')
  })

  test('removes frames, objects, forms and style sheets', ({ assert }) => {
    const clean = sanitizeMessageHtml(
      '<iframe src="https://evil.test"></iframe><object data="x.swf"></object><embed src="x">' +
        '<form action="https://evil.test"><input name="card"><button>Go</button></form>' +
        '<style>body { background: url(https://evil.test/leak) }</style><link rel="stylesheet" href="https://evil.test/a.css">' +
        '<base href="https://evil.test/"><meta http-equiv="refresh" content="0;url=https://evil.test">'
    )
    for (const gone of [
      'iframe',
      'object',
      'embed',
      'form',
      'input',
      'style',
      'link',
      'base',
      'meta',
      'evil',
    ]) {
      assert.notInclude(clean, gone)
    }
  })

  test('keeps formatting, links, http(s) images and tables', ({ assert }) => {
    const html =
      '<h1>Title</h1><p><strong>Bold</strong>, <em>em</em>, <u>u</u><br />line</p>' +
      '<ul><li>one</li></ul><a href="https://example.com/x?a=1&amp;b=2" target="_blank">link</a>' +
      '<a href="mailto:hello@example.com">mail</a>' +
      '<img src="https://example.com/logo.png" alt="Logo" width="120" />' +
      '<table width="100%" cellpadding="4"><tbody><tr><td colspan="2" align="center">cell</td></tr></tbody></table>'
    assert.equal(sanitizeMessageHtml(html), html)
  })

  test('keeps harmless inline styles and drops those that fetch', ({ assert }) => {
    assert.equal(
      sanitizeMessageHtml(
        '<p style="color: #333; font-size: 16px; background-image: url(https://evil.test/t.png); background-color: expression(alert(1)); width: calc(100% - 2px)">x</p>'
      ),
      '<p style="color:#333;font-size:16px;width:calc(100% - 2px)">x</p>'
    )
  })

  test('drops images that are not http(s)', ({ assert }) => {
    assert.equal(
      sanitizeMessageHtml(
        '<img src="data:image/png;base64,AAAA" alt="a"><img src="/local.png" alt="b">'
      ),
      '<img alt="a" /><img alt="b" />'
    )
  })

  test('a pasted document keeps its body only, placeholders untouched', ({ assert }) => {
    assert.equal(
      sanitizeMessageHtml(
        '<!DOCTYPE html><html><head><title>Newsletter</title><style>p{color:red}</style></head>' +
          '<body><!-- hidden --><p>Hi {{ client.full_name }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a></body></html>'
      ),
      '<p>Hi {{ client.full_name }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>'
    )
  })
})

test.group('Message renderer: attribute placeholders', () => {
  const withAttributes = {
    ...ada,
    client: {
      ...ada.client,
      attributes: {
        company: `<Engines> & "Co" 'Ltd'`,
        seats: 12.5,
        paying: true,
        trial: false,
        renewal: '2026-09-30',
      },
    },
  }

  test('renders text, numbers, dates as stored and booleans as yes or no; missing ones empty', ({
    assert,
  }) => {
    const rendered = renderMessage(
      message({
        subject: 'For {{ client.attributes.company }}',
        bodyText:
          '{{ client.attributes.seats }} seats, paying {{client.attributes.paying}}, trial ' +
          '{{ client.attributes.trial }}, renews {{ client.attributes.renewal }}, plan ' +
          '[{{ client.attributes.plan }}]',
      }),
      withAttributes
    )
    assert.equal(rendered.subject, `For <Engines> & "Co" 'Ltd'`)
    assert.equal(rendered.text, '12.5 seats, paying yes, trial no, renews 2026-09-30, plan []')
    // A client without attributes at all.
    assert.equal(
      renderMessage(message({ bodyText: '[{{ client.attributes.company }}]' }), ada).text,
      '[]'
    )
  })

  test('escapes attribute values in HTML like every other value', ({ assert }) => {
    const rendered = renderMessage(
      message({
        bodyHtml: '<p title="{{ client.attributes.company }}">{{ client.attributes.company }}</p>',
      }),
      withAttributes
    )
    assert.equal(
      bodyOf(rendered.html),
      '<p title="&lt;Engines&gt; &amp; &quot;Co&quot; &#39;Ltd&#39;">&lt;Engines&gt; &amp; &quot;Co&quot; &#39;Ltd&#39;</p>'
    )
  })

  test('a subject stays one line whatever an attribute holds', ({ assert }) => {
    const rendered = renderMessage(message({ subject: 'Hi {{ client.attributes.company }}!' }), {
      ...ada,
      client: { ...ada.client, attributes: { company: 'Evil\r\nBcc: victim@example.com' } },
    })
    assert.equal(rendered.subject, 'Hi Evil Bcc: victim@example.com!')
  })

  test('only the workspace’s keys are known when saving; any well-formed key when sending', ({
    assert,
  }) => {
    const template =
      '{{ client.attributes.company }} {{ client.attributes.gone }} {{ client.attributes.Bad }} {{ client.attributes. }}'
    assert.deepEqual(findUnknownPlaceholders(template, new Set(['company'])), [
      '{{ client.attributes.gone }}',
      '{{ client.attributes.Bad }}',
      '{{ client.attributes. }}',
    ])
    assert.deepEqual(findUnknownPlaceholders('{{ client.attributes.company }}'), [
      '{{ client.attributes.company }}',
    ])
    // A message saved before its attribute was deleted still sends.
    const render = compileMessage(message({ bodyText: 'x{{ client.attributes.gone }}y' }))
    assert.equal(render(ada).text, 'xy')
    assert.throws(
      () => compileMessage(message({ bodyText: '{{ client.attributes.Bad }}' })),
      TemplateError
    )
  })

  test('says whether a message needs the recipients’ attributes', ({ assert }) => {
    assert.isFalse(
      compileMessage(message({ bodyText: 'Hi {{ client.full_name }}' })).usesAttributes
    )
    assert.isTrue(
      compileMessage(message({ bodyHtml: '<p>{{ client.attributes.company }}</p>' })).usesAttributes
    )
    assert.isTrue(compileMessage(message({ subject: '{{client.attributes.x}}' })).usesAttributes)
  })

  test('an attribute cannot start a link or image address', ({ assert }) => {
    assert.deepEqual(
      findPlaceholdersStartingUrls(
        '<a href="{{ client.attributes.site }}">x</a><a href="https://x.test/?c={{ client.attributes.site }}">ok</a>'
      ),
      ['{{ client.attributes.site }}']
    )
  })
})
