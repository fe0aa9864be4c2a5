import { DateTime } from 'luxon'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Tag from '#models/tag'
import { MAX_TAGS_PER_WORKSPACE } from '#audiences/client_tags'
import { createUser } from '#tests/helpers/users'
import { createClients } from '#tests/helpers/workspace'
import { deleteForm, postForm, putForm } from '#tests/helpers/forms'
import { insertClients } from '#tests/functional/clients/helpers'
import {
  createSignupForm,
  createTag,
  mailingToTag,
  segmentOnTag,
  tagClients,
  tagNamesOf,
} from '#tests/functional/clients/audience_helpers'
import { sqlTime } from '#services/database/sql_time'

async function tagCount(tenantId: number) {
  const tags = await Tag.query().where('tenant_id', tenantId).select('id')
  return tags.length
}

const HOSTILE = `<script>alert("x")</script> ' OR 1=1 --`

/**
 * The tags page's rows: name and client count, in order.
 */
function tagRows(html: string) {
  return [
    ...html.matchAll(
      /data-testid="tag-name">([^<]*)<\/span><\/td>\s*<td class="text-end" data-testid="tag-count">([\d,]+)</g
    ),
  ].map((match) => ({ name: match[1], clients: Number(match[2].replaceAll(',', '')) }))
}

test.group('Tags: the list', () => {
  test('lists the workspace’s tags by name with their client counts', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const other = await createUser()
    const clients = await createClients(tenant, 3)
    const vip = await createTag(tenant, 'VIP')
    const alpha = await createTag(tenant, 'alpha')
    await createTag(tenant, 'Empty')
    await tagClients(vip, clients)
    await tagClients(alpha, clients.slice(0, 1))
    // Another workspace's tag of the same name and its clients count nowhere here.
    const theirs = await createTag(other.tenant, 'VIP')
    await tagClients(theirs, await createClients(other.tenant, 2))

    const response = await client.get('/clients/tags').loginAs(user)
    response.assertStatus(200)
    assert.deepEqual(tagRows(response.text()), [
      { name: 'alpha', clients: 1 },
      { name: 'Empty', clients: 0 },
      { name: 'VIP', clients: 3 },
    ])
  })

  test('a new workspace sees no tags and the form to add one', async ({ client }) => {
    const { user } = await createUser()
    const response = await client.get('/clients/tags').loginAs(user)
    response.assertStatus(200)
    response.assertTextIncludes('No tags yet.')
    response.assertTextIncludes('data-testid="tag-form"')
    // The Clients area's tabs lead here.
    response.assertTextIncludes('href="/clients/tags"')
    response.assertTextIncludes('href="/clients/attributes"')
  })
})

test.group('Tags: create, rename, topics', () => {
  test('adds a tag, trimmed, and shows a hostile name as text', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const response = await postForm(client, '/clients/tags', {
      name: `  ${HOSTILE}  `,
    }).loginAs(user)

    response.assertStatus(302)
    response.assertHeader('location', '/clients/tags')
    response.assertFlashMessage('success', `The tag “${HOSTILE}” is added.`)
    const tag = await Tag.query().where('tenant_id', tenant.id).firstOrFail()
    assert.equal(tag.name, HOSTILE)
    assert.equal(tag.nameKey, HOSTILE.toLowerCase())
    assert.isFalse(tag.isTopic)

    const list = await client.get('/clients/tags').loginAs(user)
    assert.notInclude(list.text(), '<script>alert')
    assert.include(list.text(), '&lt;script&gt;alert')
  })

  test('refuses an empty, too long, multi-line or already used name', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await createTag(tenant, 'VIP')
    const other = await createUser()
    await createTag(other.tenant, 'Only theirs')

    const cases: [unknown, string][] = [
      ['', 'Please fill in the name'],
      ['x'.repeat(61), 'The name must be at most 60 characters long'],
      ['two\nlines', 'The name must be one line of text, without commas or semicolons'],
      // The CSV `tags` column splits on them: such a name would not come back.
      ['bread, butter', 'The name must be one line of text, without commas or semicolons'],
      [' vip ', 'Your workspace already has a tag with this name'],
      [['a', 'b'], 'The name must be text'],
    ]
    for (const [name, message] of cases) {
      const response = await postForm(client, '/clients/tags', { name }).loginAs(user)
      response.assertStatus(302)
      response.assertFlashMessage('inputErrorsBag', { name: [message] })
    }
    // Another workspace's tag name is free here.
    const free = await postForm(client, '/clients/tags', { name: 'only THEIRS' }).loginAs(user)
    free.assertFlashMessage('success', 'The tag “only THEIRS” is added.')
    assert.equal(await tagCount(tenant.id), 2)
  })

  test(`refuses a tag past ${MAX_TAGS_PER_WORKSPACE} per workspace`, async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const now = sqlTime()
    await db.table('tags').multiInsert(
      Array.from({ length: MAX_TAGS_PER_WORKSPACE }, (_, i) => ({
        tenant_id: tenant.id,
        name: `tag ${i}`,
        name_key: `tag ${i}`,
        is_topic: false,
        created_at: now,
        updated_at: now,
      }))
    )
    const response = await postForm(client, '/clients/tags', { name: 'one more' }).loginAs(user)
    response.assertFlashMessage('inputErrorsBag', {
      name: [`A workspace has at most ${MAX_TAGS_PER_WORKSPACE} tags`],
    })
    assert.equal(await tagCount(tenant.id), MAX_TAGS_PER_WORKSPACE)
  })

  test('renames a tag and makes it a topic; its clients keep it', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const tag = await createTag(tenant, 'news')
    await createTag(tenant, 'Other')
    const [member] = await createClients(tenant, 1)
    await tagClients(tag, [member])

    const edit = await client.get(`/clients/tags/${tag.id}/edit`).loginAs(user)
    edit.assertStatus(200)
    edit.assertTextIncludes('value="news"')

    // Its own name in other capitals is no clash.
    const response = await putForm(client, `/clients/tags/${tag.id}`, {
      name: 'News',
      isTopic: 'true',
      description: 'Our monthly letter',
    }).loginAs(user)
    response.assertHeader('location', '/clients/tags')
    response.assertFlashMessage('success', 'The tag “News” is saved.')
    await tag.refresh()
    assert.equal(tag.name, 'News')
    assert.isTrue(tag.isTopic)
    assert.equal(tag.description, 'Our monthly letter')
    assert.deepEqual(await tagNamesOf(member), ['News'])

    // Another tag's name is taken; unticking the box ends the topic.
    const clash = await putForm(client, `/clients/tags/${tag.id}`, { name: 'OTHER' }).loginAs(user)
    clash.assertFlashMessage('inputErrorsBag', {
      name: ['Your workspace already has a tag with this name'],
    })
    await putForm(client, `/clients/tags/${tag.id}`, { name: 'News' }).loginAs(user)
    await tag.refresh()
    assert.isFalse(tag.isTopic)
    assert.isNull(tag.description)
  })
})

test.group('Tags: delete', () => {
  test('deletes an unused tag; its clients lose it and keep the others', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const gone = await createTag(tenant, 'gone')
    const kept = await createTag(tenant, 'kept')
    const [member] = await createClients(tenant, 1)
    await tagClients(gone, [member])
    await tagClients(kept, [member])

    const response = await deleteForm(client, `/clients/tags/${gone.id}`).loginAs(user)
    response.assertHeader('location', '/clients/tags')
    response.assertFlashMessage(
      'success',
      'The tag “gone” is deleted. Its clients no longer have it.'
    )
    assert.isNull(await Tag.find(gone.id))
    assert.deepEqual(await tagNamesOf(member), ['kept'])
  })

  test('refuses to delete a tag a mailing, a sign-up form or a segment uses, naming them', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const tag = await createTag(tenant, 'VIP')
    await mailingToTag(tenant, tag, 'Spring sale')
    const form = await createSignupForm(tenant, 'Footer form')
    await db.table('signup_form_tags').insert({ signup_form_id: form.id, tag_id: tag.id })
    await segmentOnTag(tenant, tag, 'Big spenders')
    // Another tag's segment does not count.
    const other = await createTag(tenant, 'other')
    await segmentOnTag(tenant, other, 'Not this one')

    const edit = await client.get(`/clients/tags/${tag.id}/edit`).loginAs(user)
    edit.assertTextIncludes('data-testid="tag-used-by"')
    edit.assertTextIncludes('Mailing “Spring sale”')

    const response = await deleteForm(client, `/clients/tags/${tag.id}`).loginAs(user)
    response.assertHeader('location', `/clients/tags/${tag.id}/edit`)
    response.assertFlashMessage(
      'error',
      'The tag “VIP” cannot be deleted: it is used by the mailing “Spring sale”, the sign-up form “Footer form”, and the segment “Big spenders”. Take it out of them first.'
    )
    assert.isNotNull(await Tag.find(tag.id))
  })

  test('an archived mailing still holds its tag', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const tag = await createTag(tenant, 'old')
    const mailing = await mailingToTag(tenant, tag, 'Last year')
    await db.from('mailings').where('id', mailing.id).update({ archived_at: sqlTime() })

    const response = await deleteForm(client, `/clients/tags/${tag.id}`).loginAs(user)
    response.assertFlashMessage(
      'error',
      'The tag “old” cannot be deleted: it is used by the mailing “Last year” (archived). Take it out of them first. Archived mailings keep the tags they were sent to, for their history.'
    )
    assert.isNotNull(await Tag.find(tag.id))
  })
})

test.group('Tags: bulk from the clients list', () => {
  test('the list shows each client’s tags and a bar to tag them', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const [ada, bob] = await createClients(tenant, 2)
    const vip = await createTag(tenant, 'VIP')
    const beta = await createTag(tenant, 'beta')
    await tagClients(vip, [ada])
    await tagClients(beta, [ada])

    const response = await client.get('/clients').loginAs(user)
    const html = response.text()
    const row = (email: string) => {
      const start = html.indexOf(`aria-label="Select ${email}"`)
      return html.slice(start, html.indexOf('</tr>', start))
    }
    assert.match(
      row(ada.email),
      /data-testid="client-tags">\s*<span[^>]*>beta<\/span>\s*<span[^>]*>VIP<\/span>/
    )
    assert.notInclude(row(bob.email), 'client-tags')
    assert.include(html, `<option value="${vip.id}">VIP</option>`)
    assert.include(html, 'formaction="/clients/bulk-tag"')
  })

  test('adds and removes a tag for the ticked clients only', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const [ada, bob, cy] = await createClients(tenant, 3)
    const vip = await createTag(tenant, 'VIP')
    await tagClients(vip, [bob])
    const other = await createUser()
    const [theirs] = await createClients(other.tenant, 1)

    const add = await postForm(client, '/clients/bulk-tag', {
      tagId: vip.id,
      op: 'add',
      scope: 'selected',
      // bob already has it; another workspace's client is not found here.
      ids: [ada.id, bob.id, theirs.id],
    })
      .header('referer', '/clients?q=client')
      .loginAs(user)
    add.assertHeader('location', '/clients?q=client')
    add.assertFlashMessage('success', 'The tag “VIP” is added to 1 client.')
    assert.deepEqual(await tagNamesOf(ada), ['VIP'])
    assert.deepEqual(await tagNamesOf(bob), ['VIP'])
    assert.deepEqual(await tagNamesOf(cy), [])
    assert.deepEqual(await tagNamesOf(theirs), [])

    const again = await postForm(client, '/clients/bulk-tag', {
      tagId: vip.id,
      op: 'add',
      scope: 'selected',
      ids: [ada.id],
    }).loginAs(user)
    again.assertFlashMessage('success', 'These clients already have the tag “VIP”.')

    const remove = await postForm(client, '/clients/bulk-tag', {
      tagId: vip.id,
      op: 'remove',
      scope: 'selected',
      ids: [ada.id, bob.id, cy.id],
    }).loginAs(user)
    remove.assertFlashMessage('success', 'The tag “VIP” is removed from 2 clients.')
    assert.deepEqual(await tagNamesOf(ada), [])
    assert.deepEqual(await tagNamesOf(bob), [])
  })

  test('the clients whose tags change get a new updated_at, the others keep theirs', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [ada, bob, cy] = await createClients(tenant, 3)
    const vip = await createTag(tenant, 'VIP')
    await tagClients(vip, [bob])
    const other = await createUser()
    const [theirs] = await createClients(other.tenant, 1)
    const longAgo = sqlTime(DateTime.utc().minus({ days: 30 }))
    const ids = [ada.id, bob.id, cy.id, theirs.id]
    const age = async () => {
      await db.from('clients').whereIn('id', ids).update({ updated_at: longAgo })
    }
    // Which of the clients were changed since `age()`.
    const touched = async () => {
      const rows = await db
        .from('clients')
        .whereIn('id', ids)
        .where('updated_at', '>', longAgo)
        .orderBy('id')
        .select('id')
      return rows.map((row) => Number(row.id))
    }

    await age()
    await postForm(client, '/clients/bulk-tag', {
      tagId: vip.id,
      op: 'add',
      scope: 'selected',
      ids: [ada.id, bob.id, theirs.id],
    }).loginAs(user)
    // bob had the tag already; another workspace's client is not reached.
    assert.deepEqual(await touched(), [ada.id])

    await age()
    await postForm(client, '/clients/bulk-tag', {
      tagId: vip.id,
      op: 'remove',
      scope: 'search',
      q: '',
    }).loginAs(user)
    assert.deepEqual(await touched(), [ada.id, bob.id])

    // A search marks only the clients it finds.
    await age()
    await postForm(client, '/clients/bulk-tag', {
      tagId: vip.id,
      op: 'add',
      scope: 'search',
      q: cy.email,
    }).loginAs(user)
    assert.deepEqual(await touched(), [cy.id])
  })

  test('adds and removes a tag for every client of the search, past the first page', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await insertClients(tenant, [
      ...Array.from({ length: 120 }, (_, i) => ({
        email: `fan-${i}@search.example`,
        fullName: `Fan ${i}`,
      })),
      { email: 'someone@else.example', fullName: 'Not a match' },
      { email: 'percent@else.example', fullName: '100% sure' },
    ])
    const other = await createUser()
    await insertClients(other.tenant, [{ email: 'fan-x@search.example', fullName: 'Theirs' }])
    const tag = await createTag(tenant, 'fans')
    const count = async (tenantId: number) => {
      const [row] = await db
        .from('client_tags')
        .join('clients', 'clients.id', 'client_tags.client_id')
        .where('clients.tenant_id', tenantId)
        .where('client_tags.tag_id', tag.id)
        .count('* as total')
      return Number(row.total)
    }

    const add = await postForm(client, '/clients/bulk-tag', {
      tagId: tag.id,
      op: 'add',
      scope: 'search',
      q: 'SEARCH.example',
      // Ticked boxes do not narrow a whole search.
      ids: [1],
    }).loginAs(user)
    add.assertFlashMessage('success', 'The tag “fans” is added to 120 clients.')
    assert.equal(await count(tenant.id), 120)
    assert.equal(await count(other.tenant.id), 0)

    // `%` of a search is a literal, as in the list.
    const literal = await postForm(client, '/clients/bulk-tag', {
      tagId: tag.id,
      op: 'add',
      scope: 'search',
      q: '0%',
    }).loginAs(user)
    literal.assertFlashMessage('success', 'The tag “fans” is added to 1 client.')

    const remove = await postForm(client, '/clients/bulk-tag', {
      tagId: tag.id,
      op: 'remove',
      scope: 'search',
      q: 'fan-1',
    }).loginAs(user)
    // fan-1, fan-10..19, fan-100..119
    remove.assertFlashMessage('success', 'The tag “fans” is removed from 31 clients.')
    assert.equal(await count(tenant.id), 121 - 31)

    // No search: every client of the workspace.
    const all = await postForm(client, '/clients/bulk-tag', {
      tagId: tag.id,
      op: 'add',
      scope: 'search',
    }).loginAs(user)
    all.assertFlashMessage('success', 'The tag “fans” is added to 32 clients.')
    assert.equal(await count(tenant.id), 122)
    assert.equal(await count(other.tenant.id), 0)
  })

  test('"every client in this list" keeps the list’s tag, segment and state filters', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const clients = await createClients(tenant, 6)
    const vip = await createTag(tenant, 'vip')
    const target = await createTag(tenant, 'target')
    await tagClients(vip, clients.slice(0, 4))
    // Of the four VIPs, one unsubscribed and one awaits confirmation.
    await clients[2].merge({ unsubscribedAt: DateTime.now() }).save()
    await clients[3].merge({ pendingAt: DateTime.now() }).save()
    const segment = await segmentOnTag(tenant, vip, 'VIPs')
    const targeted = async () => {
      const [row] = await db.from('client_tags').where('tag_id', target.id).count('* as total')
      return Number(row.total)
    }

    const byTag = await postForm(client, '/clients/bulk-tag', {
      tagId: target.id,
      op: 'add',
      scope: 'search',
      tag: vip.id,
      state: 'subscribed',
    }).loginAs(user)
    byTag.assertFlashMessage('success', 'The tag “target” is added to 2 clients.')
    assert.equal(await targeted(), 2)

    const bySegment = await postForm(client, '/clients/bulk-tag', {
      tagId: target.id,
      op: 'add',
      scope: 'search',
      segment: segment.id,
    }).loginAs(user)
    bySegment.assertFlashMessage('success', 'The tag “target” is added to 2 clients.')
    assert.equal(await targeted(), 4)

    // Another workspace's segment as the list's filter is not found.
    const other = await createUser()
    const theirs = await segmentOnTag(other.tenant, await createTag(other.tenant, 'x'), 'Theirs')
    const foreign = await postForm(client, '/clients/bulk-tag', {
      tagId: target.id,
      op: 'remove',
      scope: 'search',
      segment: theirs.id,
    }).loginAs(user)
    foreign.assertStatus(404)
    assert.equal(await targeted(), 4)
  })

  test('refuses another workspace’s tag, no tag, no selection and hostile fields', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [mine] = await createClients(tenant, 1)
    const other = await createUser()
    const theirTag = await createTag(other.tenant, 'theirs')
    const myTag = await createTag(tenant, 'mine')

    const cases: [Record<string, unknown>, Record<string, string[]>][] = [
      [
        { tagId: theirTag.id, op: 'add', scope: 'selected', ids: [mine.id] },
        { tagId: ['Choose one of your tags'] },
      ],
      [{ op: 'add', scope: 'selected', ids: [mine.id] }, { tagId: ['Choose a tag'] }],
      [{ tagId: HOSTILE, op: 'add', scope: 'search' }, { tagId: ['Choose a tag'] }],
      [{ tagId: myTag.id, op: 'add', scope: 'selected' }, { ids: ['Select at least one client'] }],
      [
        { tagId: myTag.id, op: 'drop table', scope: 'search' },
        { op: ['The op must be one of: add,remove'] },
      ],
      [
        { tagId: myTag.id, op: 'add', scope: HOSTILE },
        { scope: ['The scope must be one of: selected,search'] },
      ],
    ]
    for (const [form, errors] of cases) {
      const response = await postForm(client, '/clients/bulk-tag', form).loginAs(user)
      response.assertStatus(302)
      response.assertFlashMessage('inputErrorsBag', errors)
    }
    assert.deepEqual(await tagNamesOf(mine), [])
    const [row] = await db.from('client_tags').where('tag_id', theirTag.id).count('* as total')
    assert.equal(Number(row.total), 0)
  })
})
