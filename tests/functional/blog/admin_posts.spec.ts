import { test } from '@japa/runner'
import { existsSync } from 'node:fs'
import Post from '#models/post'
import AuditLog from '#models/audit_log'
import type { Role } from '#models/user'
import { coverPath } from '#services/blog/covers'
import { createUser } from '#tests/helpers/users'
import { createPost, PNG_BYTES, uploadFile } from '#tests/helpers/posts'
import { postForm, putForm, deleteForm } from '#tests/helpers/forms'

async function actionsFor(post: Post) {
  const entries = await AuditLog.query()
    .where({ subject_type: 'post', subject_id: post.id })
    .orderBy('id')
  return entries.map((entry) => entry.action)
}

test.group('Blog editor: who may use it', () => {
  const refused: Role[] = ['user', 'manager']
  const allowed: Role[] = ['content_manager', 'admin']

  for (const role of refused) {
    test(`a ${role} gets 404 on every post page and action`, async ({ client, assert }) => {
      const { user } = await createUser({ role })
      const post = await createPost()
      const requests = [
        client.get('/admin/posts'),
        client.get('/admin/posts/create'),
        client.get(`/admin/posts/${post.id}/edit`),
        postForm(client, '/admin/posts', { title: 'Nope', body: 'x' }),
        putForm(client, `/admin/posts/${post.id}`, { title: 'Nope', body: 'x' }),
        postForm(client, `/admin/posts/${post.id}/unpublish`),
        deleteForm(client, `/admin/posts/${post.id}`),
      ]
      for (const request of requests) {
        const response = await request.loginAs(user).redirects(0)
        response.assertStatus(404)
      }
      await post.refresh()
      assert.isNotNull(post.publishedAt)
      assert.deepEqual(await actionsFor(post), [])
    })
  }

  for (const role of allowed) {
    test(`a ${role} opens the list and the form`, async ({ client }) => {
      const { user } = await createUser({ role })
      const post = await createPost({ title: 'Listed for staff' })
      const list = await client.get('/admin/posts').loginAs(user)
      list.assertStatus(200)
      list.assertTextIncludes('Listed for staff')
      const panel = await client.get('/admin').loginAs(user)
      panel.assertTextIncludes('Blog posts')
      const edit = await client.get(`/admin/posts/${post.id}/edit`).loginAs(user)
      edit.assertStatus(200)
    })
  }
})

test.group('Blog editor: writing posts', () => {
  test('creates a draft with a cover, a slug from the title and sanitised HTML', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser({ role: 'content_manager' })
    const cover = await uploadFile('cover.png', PNG_BYTES)

    const response = await postForm(client, '/admin/posts')
      .field('title', 'Spring news: what’s new?')
      .field('excerpt', 'All about spring.')
      .field('body', '# Hello\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))')
      .file('cover', cover)
      .loginAs(user)

    response.assertStatus(302)
    const post = await Post.findByOrFail('title', 'Spring news: what’s new?')
    assert.match(post.slug, /^spring-news-whats-new(-\d+)?$/)
    assert.equal(post.state, 'draft')
    assert.equal(post.authorId, user.id)
    assert.include(post.bodyHtml, '<h1>Hello</h1>')
    assert.notMatch(post.bodyHtml, /<script|alert|href="javascript/i)
    assert.match(post.coverName!, /^[a-f0-9]{32}\.png$/)
    assert.isTrue(existsSync(coverPath(post.coverName!)))
    assert.deepEqual(await actionsFor(post), ['post.create', 'post.cover_upload'])

    const image = await client.get(`/uploads/covers/${post.coverName}`)
    image.assertStatus(200)
    image.assertHeader('content-type', 'image/png')
    image.assertHeader('cache-control', 'public, max-age=31536000, immutable')
    assert.isUndefined(image.header('set-cookie'))

    const missing = await client.get(`/uploads/covers/${'0'.repeat(32)}.png`)
    missing.assertStatus(404)
    const outside = await client.get('/uploads/covers/..%2F..%2F.env.example')
    outside.assertStatus(404)
  })

  test('a published post keeps only the allowed classes, none of the layout utilities', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser({ role: 'content_manager' })
    await postForm(client, '/admin/posts', {
      title: 'Classes in a post',
      body:
        '<div class="position-fixed top-0 start-0 vw-100 vh-100 z-3 lead">Win a prize</div>\n\n' +
        '```js\nlet a = 1\n```\n\n<table class="table d-none"><tr><td>1</td></tr></table>',
    }).loginAs(user)
    const post = await Post.findByOrFail('title', 'Classes in a post')
    await postForm(client, `/admin/posts/${post.id}/publish`).loginAs(user)

    const page = await client.get(`/blog/${post.slug}`)
    page.assertStatus(200)
    const body = page.text().slice(page.text().indexOf('Win a prize') - 200)
    assert.include(body, '<div class="lead">Win a prize</div>')
    assert.include(body, '<code class="language-js">')
    assert.include(body, '<table class="table">')
    for (const utility of ['position-fixed', 'vw-100', 'vh-100', 'z-3', 'd-none', 'top-0']) {
      assert.notInclude(body, utility)
    }
  })

  test('refuses a text file named .png, beside the field', async ({ client, assert }) => {
    const { user } = await createUser({ role: 'content_manager' })
    const fake = await uploadFile('photo.png', 'just some text, not an image\n')

    const response = await postForm(client, '/admin/posts')
      .field('title', 'Fake cover')
      .field('body', 'Body')
      .file('cover', fake)
      .loginAs(user)

    response.assertStatus(302)
    response.assertFlashMessage('inputErrorsBag', {
      cover: [
        'This file is not an image (its content is not JPEG, PNG, WebP or GIF, whatever its name says).',
      ],
    })
    assert.isNull(await Post.findBy('title', 'Fake cover'))
  })

  test('refuses a cover over the size limit', async ({ client }) => {
    const { user } = await createUser({ role: 'content_manager' })
    // A real PNG header followed by 3 MB of padding.
    const large = await uploadFile(
      'large.png',
      Buffer.concat([PNG_BYTES, Buffer.alloc(3 * 1024 * 1024)])
    )

    const response = await postForm(client, '/admin/posts')
      .field('title', 'Too big a cover')
      .field('body', 'Body')
      .file('cover', large)
      .loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      cover: ['The image is larger than 2mb. Choose a smaller one.'],
    })
  })

  test('slugs stay unique: made ones get a number, a taken one is refused', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser({ role: 'admin' })
    const first = await createPost({ title: 'Twice told', slug: 'twice-told' })

    await postForm(client, '/admin/posts', { title: 'Twice told', body: 'Again' }).loginAs(user)
    const second = await Post.query().where('title', 'Twice told').whereNot('id', first.id).first()
    assert.equal(second?.slug, 'twice-told-2')

    const taken = await putForm(client, `/admin/posts/${second!.id}`, {
      title: 'Twice told',
      slug: 'twice-told',
      body: 'Again',
    }).loginAs(user)
    taken.assertFlashMessage('inputErrorsBag', { slug: ['Another post already has this slug'] })
  })

  test('publish, schedule, unpublish and delete are each logged', async ({ client, assert }) => {
    const { user } = await createUser({ role: 'content_manager' })
    const post = await createPost({ publishedAt: null })

    await postForm(client, `/admin/posts/${post.id}/publish`).loginAs(user)
    await post.refresh()
    assert.equal(post.state, 'published')

    await postForm(client, `/admin/posts/${post.id}/unpublish`).loginAs(user)
    await post.refresh()
    assert.equal(post.state, 'draft')

    await putForm(client, `/admin/posts/${post.id}`, {
      title: post.title,
      slug: post.slug,
      body: 'Later',
      publishedAt: '2040-01-01T09:00',
    }).loginAs(user)
    await post.refresh()
    assert.equal(post.state, 'scheduled')
    assert.equal(post.publishedAt!.toUTC().toISO(), '2040-01-01T09:00:00.000Z')

    const deleted = await deleteForm(client, `/admin/posts/${post.id}`).loginAs(user)
    deleted.assertStatus(302)
    assert.isNull(await Post.find(post.id))
    assert.deepEqual(await actionsFor(post), [
      'post.publish',
      'post.unpublish',
      'post.update',
      'post.publish',
      'post.delete',
    ])
    const entry = await AuditLog.query()
      .where({ subject_id: post.id, action: 'post.delete' })
      .first()
    assert.equal(entry?.actorId, user.id)
    assert.equal(entry?.subjectLabel, post.title)
  })

  test('a new cover replaces the old file under a new name', async ({ client, assert }) => {
    const { user } = await createUser({ role: 'content_manager' })
    const save = (path: string) =>
      postForm(client, '/admin/posts')
        .field('title', 'Covered twice')
        .field('body', 'Body')
        .file('cover', path)
        .loginAs(user)
    await save(await uploadFile('one.png', PNG_BYTES))
    const post = await Post.findByOrFail('title', 'Covered twice')
    const oldCover = post.coverName!

    await putForm(client, `/admin/posts/${post.id}`)
      .field('title', 'Covered twice')
      .field('slug', post.slug)
      .field('body', 'Body')
      .file('cover', await uploadFile('two.png', PNG_BYTES))
      .loginAs(user)

    await post.refresh()
    assert.notEqual(post.coverName, oldCover)
    assert.isTrue(existsSync(coverPath(post.coverName!)))
    assert.isFalse(existsSync(coverPath(oldCover)))
  })
})
