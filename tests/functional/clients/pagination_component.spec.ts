import { test } from '@japa/runner'
import edge from 'edge.js'

/**
 * components/pagination.edge is shared by every paged list: numbered pages
 * (mailings, messages, the blog) and cursors (clients, delivery logs).
 */
function links(html: string) {
  return [...html.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map(
    (match) => `${match[2].trim()} ${match[1].replaceAll('&amp;', '&')}`
  )
}

test.group('Pagination component', () => {
  test('numbered pages keep the list’s query string', async ({ assert }) => {
    const middle = await edge.renderRaw(
      `@!pagination({ path: '/mailings', query: 'status=running', page: 3, hasNext: true })`
    )
    assert.deepEqual(links(middle), [
      '« First page /mailings?status=running&page=1',
      '← Previous /mailings?status=running&page=2',
      'Next → /mailings?status=running&page=4',
    ])
    assert.include(middle, 'Page 3')

    const first = await edge.renderRaw(
      `@!pagination({ path: '/mailings', page: 1, hasNext: true })`
    )
    assert.deepEqual(links(first), ['Next → /mailings?page=2'])

    const last = await edge.renderRaw(
      `@!pagination({ path: '/mailings', page: 2, hasNext: false })`
    )
    assert.deepEqual(links(last), ['← Previous /mailings?page=1'])
  })

  test('cursors link with after= and before=', async ({ assert }) => {
    const html = await edge.renderRaw(
      `@!pagination({ path: '/clients', query: 'q=ann', previousCursor: 'b1', nextCursor: 'n2', isFirstPage: false })`
    )
    assert.deepEqual(links(html), [
      '« First page /clients?q=ann',
      '← Previous /clients?q=ann&before=b1',
      'Next → /clients?q=ann&after=n2',
    ])
  })

  test('a counted list says how many pages; filters can be an object', async ({ assert }) => {
    const html = await edge.renderRaw(
      `@!pagination({ path: '/messages', query: { status: undefined, q: 'a b' }, page: 2, hasNext: true, lastPage: 7 })`
    )
    assert.deepEqual(links(html), [
      '← Previous /messages?q=a+b&page=1',
      'Next → /messages?q=a+b&page=3',
    ])
    assert.include(html, 'Page 2 of 7')
  })

  test('a list keeps its own cursor parameter', async ({ assert }) => {
    const html = await edge.renderRaw(
      `@!pagination({ path: '/settings/webhooks/1', nextCursor: 9, nextParam: 'before', isFirstPage: false })`
    )
    assert.deepEqual(links(html), [
      '« First page /settings/webhooks/1',
      'Next → /settings/webhooks/1?before=9',
    ])
  })

  test('renders nothing for a single page', async ({ assert }) => {
    const byPage = await edge.renderRaw(
      `@!pagination({ path: '/mailings', page: 1, hasNext: false })`
    )
    const byCursor = await edge.renderRaw(
      `@!pagination({ path: '/clients', previousCursor: null, nextCursor: null, isFirstPage: true })`
    )
    assert.equal(byPage.trim(), '')
    assert.equal(byCursor.trim(), '')
  })
})
