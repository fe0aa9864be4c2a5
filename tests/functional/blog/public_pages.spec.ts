import { test } from '@japa/runner'
import type { ApiResponse } from '@japa/api-client'
import { DateTime } from 'luxon'
import { createUser } from '#tests/helpers/users'
import { createPost } from '#tests/helpers/posts'
import { waitUntil } from '#tests/helpers/wait'
import { postForm, putForm } from '#tests/helpers/forms'

async function expectStatus(request: PromiseLike<ApiResponse>, status: number) {
  const response = await request
  response.assertStatus(status)
}

async function expectText(request: PromiseLike<ApiResponse>, text: string) {
  const response = await request
  response.assertTextIncludes(text)
}

test.group('Public pages: the blog', () => {
  test('lists published posts only, newest first, with title and description', async ({
    client,
    assert,
  }) => {
    // Newer than any post of earlier tests (published a second before they were made).
    const older = await createPost({
      title: 'Older article',
      publishedAt: DateTime.now().minus({ milliseconds: 600 }),
    })
    const newer = await createPost({
      title: 'Newer article',
      publishedAt: DateTime.now().minus({ milliseconds: 300 }),
    })
    await createPost({ title: 'A draft article', publishedAt: null })
    await createPost({ title: 'A future article', publishedAt: DateTime.now().plus({ days: 1 }) })

    const response = await client.get('/blog')
    response.assertStatus(200)
    const html = response.text()
    assert.include(html, '<title>Blog · Mailings</title>')
    assert.match(html, /<meta name="description" content="[^"]{20,}">/)
    assert.isBelow(html.indexOf(newer.title), html.indexOf(older.title))
    assert.notInclude(html, 'A draft article')
    assert.notInclude(html, 'A future article')
  })

  test('an article has its own title and description; drafts and unknown slugs are 404', async ({
    client,
  }) => {
    const post = await createPost({
      title: 'Deliverability in 2027',
      excerpt: 'Why your mail lands in spam.',
    })
    const draft = await createPost({ publishedAt: null })
    const scheduled = await createPost({ publishedAt: DateTime.now().plus({ hours: 1 }) })

    const response = await client.get(`/blog/${post.slug}`)
    response.assertStatus(200)
    response.assertTextIncludes('<title>Deliverability in 2027 · Mailings</title>')
    response.assertTextIncludes('<meta name="description" content="Why your mail lands in spam.">')

    for (const slug of [draft.slug, scheduled.slug, 'no-such-article']) {
      await expectStatus(client.get(`/blog/${slug}`), 404)
    }
  })

  test('the list is paginated', async ({ client, assert }) => {
    // Eleven posts newer than any of earlier tests: the newest ten fill
    // page 1, the eleventh opens page 2.
    for (let index = 0; index < 11; index++) {
      await createPost({
        title: `Paged ${index}`,
        publishedAt: DateTime.now().minus({ milliseconds: 900 - index * 50 }),
      })
    }
    const first = await client.get('/blog')
    first.assertTextIncludes('Paged 10')
    assert.notInclude(first.text(), '>Paged 0<')
    first.assertTextIncludes('href="/blog?page=2"')

    const second = await client.get('/blog?page=2')
    second.assertStatus(200)
    second.assertTextIncludes('Paged 0')
    second.assertTextIncludes('<title>Blog, page 2 · Mailings</title>')
  })

  test('a scheduled post appears by itself when its time comes', async ({ client, assert }) => {
    const post = await createPost({
      title: 'Arrives shortly',
      publishedAt: DateTime.now().plus({ seconds: 2 }),
    })
    // Cached while it is still scheduled...
    const before = await client.get('/blog')
    assert.notInclude(before.text(), 'Arrives shortly')

    // ...and shown once its time has come, without anyone touching it.
    await waitUntil('the scheduled post on the blog', async () => {
      const list = await client.get('/blog')
      return list.text().includes('Arrives shortly')
    })
    await expectStatus(client.get(`/blog/${post.slug}`), 200)
  })

  test('an edited post shows at once: the fragment cache is cleared', async ({ client }) => {
    const { user } = await createUser({ role: 'content_manager' })
    const post = await createPost({ title: 'Before the edit', body: 'Old body text.' })
    await expectText(client.get(`/blog/${post.slug}`), 'Old body text.')
    await expectText(client.get('/blog'), 'Before the edit')

    await putForm(client, `/admin/posts/${post.id}`, {
      title: 'After the edit',
      slug: post.slug,
      body: 'New body text.',
      publishedAt: post.publishedAt!.toFormat("yyyy-MM-dd'T'HH:mm"),
    }).loginAs(user)

    const article = await client.get(`/blog/${post.slug}`)
    article.assertTextIncludes('New body text.')
    article.assertTextIncludes('After the edit')
    await expectText(client.get('/blog'), 'After the edit')

    await postForm(client, `/admin/posts/${post.id}/unpublish`).loginAs(user)
    await expectStatus(client.get(`/blog/${post.slug}`), 404)
  })
})

test.group('Public pages: HTTP caching', () => {
  test('anonymous visitors get a public, revalidatable page and 304s', async ({
    client,
    assert,
  }) => {
    const post = await createPost()
    for (const url of ['/', '/blog', `/blog/${post.slug}`]) {
      const response = await client.get(url)
      response.assertStatus(200)
      response.assertHeader('cache-control', 'public, max-age=60')
      assert.include(response.header('vary') ?? '', 'Cookie')
      // A shared cache must not store anyone's session with the page.
      assert.isUndefined(response.header('set-cookie'), url)
      const etag = response.header('etag')
      assert.isString(etag, url)

      const again = await client.get(url).header('If-None-Match', etag!)
      again.assertStatus(304)
      assert.equal(again.text(), '')
    }
  })

  test('an article answers If-Modified-Since from its last change', async ({ client }) => {
    const post = await createPost()
    const response = await client.get(`/blog/${post.slug}`)
    const lastModified = response.header('last-modified')!
    await expectStatus(
      client.get(`/blog/${post.slug}`).header('If-Modified-Since', lastModified),
      304
    )
    const older = DateTime.fromHTTP(lastModified).minus({ days: 1 }).toHTTP()!
    await expectStatus(client.get(`/blog/${post.slug}`).header('If-Modified-Since', older), 200)
  })

  test('a logged-in user’s pages are private and never shared', async ({ client, assert }) => {
    const { user } = await createUser({ fullName: 'Private Person' })
    const post = await createPost()
    for (const url of ['/', '/blog', `/blog/${post.slug}`]) {
      const response = await client.get(url).loginAs(user)
      response.assertStatus(200)
      response.assertTextIncludes('Private Person')
      response.assertHeader('cache-control', 'private, no-store')
      assert.isUndefined(response.header('etag'), url)
      assert.isUndefined(response.header('last-modified'), url)

      // What the user saw was not kept for the next visitor.
      const anonymous = await client.get(url)
      assert.notInclude(anonymous.text(), 'Private Person', url)
    }
  })

  test('versioned assets are immutable for a year, unversioned ones are not', async ({
    client,
    assert,
  }) => {
    const home = await client.get('/')
    const cssUrl = /href="(\/css\/app\.css\?v=[a-f0-9]+)"/.exec(home.text())![1]
    const versioned = await client.get(cssUrl)
    versioned.assertStatus(200)
    versioned.assertHeader('cache-control', 'public, max-age=31536000, immutable')

    const plain = await client.get('/css/app.css')
    plain.assertStatus(200)
    assert.notInclude(plain.header('cache-control') ?? '', 'immutable')
  })
})
