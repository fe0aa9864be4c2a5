import { DateTime } from 'luxon'
import { test } from '@japa/runner'
import Segment from '#models/segment'
import { createUser } from '#tests/helpers/users'
import { createClients, createMailing } from '#tests/helpers/workspace'
import { deleteForm, postForm, putForm } from '#tests/helpers/forms'
import {
  conditionFields,
  createSegment,
  createTags,
  defineAttributes,
  tag,
} from '#tests/functional/segments/helpers'

test.group('Segments: the pages and the editor', () => {
  test('a segment built in the editor is previewed, saved, counted and edited', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const [vip] = await createTags(tenant, ['VIP'])
    const clients = await createClients(tenant, 5)
    await tag(clients.slice(0, 3), vip)
    for (const [index, city] of ['Paris', 'Lyon', 'paris-nord'].entries()) {
      await clients[index].merge({ attributes: { city } }).save()
    }
    const conditions = [
      { field: 'tags', op: 'any', tagIds: [vip.id] },
      { field: 'attribute:city', op: 'contains', value: 'PAR' },
    ]

    const blank = await client.get('/segments/create').loginAs(user)
    blank.assertStatus(200)
    assert.include(blank.text(), 'value="attribute:city"')
    assert.include(blank.text(), 'VIP')

    // The editor's Preview shows the count and the sample, saving nothing.
    const preview = await postForm(client, '/segments/editor', {
      name: 'Parisian VIPs',
      match: 'all',
      ...conditionFields(conditions),
      intent: 'preview',
    }).loginAs(user)
    preview.assertStatus(200)
    assert.include(preview.text(), 'data-testid="segment-count" data-preview-count>2<')
    assert.include(preview.text(), clients[0].email)
    assert.include(preview.text(), clients[2].email)
    assert.notInclude(preview.text(), clients[1].email)
    assert.lengthOf(await Segment.query().where('tenant_id', tenant.id), 0)

    // Adding and removing rows keeps what was typed.
    const added = await postForm(client, '/segments/editor', {
      name: 'Parisian VIPs',
      match: 'all',
      ...conditionFields(conditions),
      intent: 'add',
    }).loginAs(user)
    assert.equal(added.text().split('data-testid="condition-row"').length - 1, 3)
    const removed = await postForm(client, '/segments/editor', {
      name: 'Parisian VIPs',
      match: 'all',
      ...conditionFields(conditions),
      intent: 'remove:0',
    }).loginAs(user)
    assert.equal(removed.text().split('data-testid="condition-row"').length - 1, 1)
    assert.include(removed.text(), 'value="PAR"')

    // The live count the editor's script asks for.
    const live = await postForm(client, '/segments/preview', {
      match: 'any',
      ...conditionFields(conditions),
    })
      .header('Accept', 'application/json')
      .loginAs(user)
    live.assertStatus(200)
    assert.equal(live.body().count, 3)
    assert.sameMembers(
      live.body().sample.map((row: { email: string }) => row.email),
      [clients[0].email, clients[1].email, clients[2].email]
    )

    const saved = await postForm(client, '/segments', {
      name: 'Parisian VIPs',
      match: 'all',
      ...conditionFields(conditions),
    }).loginAs(user)
    const segment = await Segment.query().where('tenant_id', tenant.id).firstOrFail()
    saved.assertHeader('location', `/segments/${segment.id}/edit`)
    assert.deepEqual(segment.definition, {
      match: 'all',
      conditions: [
        { field: 'tags', op: 'any', tagIds: [vip.id] },
        { field: 'attribute', key: 'city', op: 'contains', value: 'PAR' },
      ],
    })

    const page = await client.get(`/segments/${segment.id}/edit`).loginAs(user)
    assert.include(page.text(), 'data-testid="segment-count" data-preview-count>2<')
    const count = await client.get(`/segments/${segment.id}/count`).loginAs(user)
    assert.deepEqual(count.body(), { count: 2 })
    const list = await client.get('/segments').loginAs(user)
    assert.include(list.text(), 'Parisian VIPs')
    // The mailing form offers the segment and the tags.
    const mailingForm = await client.get('/mailings/create').loginAs(user)
    assert.include(mailingForm.text(), `<option value="${segment.id}" >Parisian VIPs</option>`)
    assert.include(mailingForm.text(), `<option value="${vip.id}" >VIP</option>`)

    await putForm(client, `/segments/${segment.id}`, {
      name: 'Scores',
      match: 'all',
      ...conditionFields([{ field: 'attribute:score', op: 'gt', value: '10' }]),
    }).loginAs(user)
    await segment.refresh()
    assert.equal(segment.name, 'Scores')
    assert.deepEqual(segment.definition.conditions, [
      { field: 'attribute', key: 'score', op: 'gt', value: 10 },
    ])
  })

  test('the preview says how many of the matches are pending, whom a run does not mail', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [vip] = await createTags(tenant, ['VIP'])
    const clients = await createClients(tenant, 3)
    await tag(clients, vip)
    await clients[0].merge({ pendingAt: DateTime.utc() }).save()
    const conditions = [{ field: 'tags', op: 'any', tagIds: [vip.id] }]

    const preview = await postForm(client, '/segments/editor', {
      name: 'VIPs',
      match: 'all',
      ...conditionFields(conditions),
      intent: 'preview',
    }).loginAs(user)
    assert.include(preview.text(), 'data-testid="segment-count" data-preview-count>3<')
    assert.match(preview.text(), /clients \(1 of them awaiting confirmation are not mailed\)/)

    const live = await postForm(client, '/segments/preview', {
      match: 'all',
      ...conditionFields(conditions),
    })
      .header('Accept', 'application/json')
      .loginAs(user)
    assert.include(live.body(), { count: 3, pending: 1 })
  })

  test('conditions are checked per type, beside their fields', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const other = await createUser()
    const [foreign] = await createTags(other.tenant, ['theirs'])

    const refused = await postForm(client, '/segments', {
      name: '',
      match: 'all',
      ...conditionFields([
        { field: 'attribute:city', op: 'gt', value: 'x' },
        { field: 'attribute:score', op: 'eq', value: 'many' },
        { field: 'tags', op: 'any', tagIds: [foreign.id] },
        { field: 'attribute:nope', op: 'eq', value: 'x' },
        { field: 'created', op: 'before', value: '2026-02-30' },
        { field: 'attribute:city', op: 'contains', value: '' },
      ]),
    })
      .header('Referer', '/segments/create')
      .loginAs(user)
    refused.assertHeader('location', '/segments/create')
    refused.assertFlashMessage('inputErrorsBag', {
      'name': ['Please fill in the name'],
      'conditions.0.op': ['Choose a condition that fits this field'],
      'conditions.1.value': ['Score must be a number'],
      'conditions.2.tagIds': ['Choose tags of this workspace'],
      'conditions.3.field': ['Choose a field (this one does not exist any more)'],
      'conditions.4.value': ['Enter a date (YYYY-MM-DD)'],
      'conditions.5.value': ['Enter a value'],
    })
    assert.lengthOf(await Segment.query().where('tenant_id', tenant.id), 0)

    const tooMany = await postForm(client, '/segments', {
      name: 'Big',
      match: 'all',
      ...conditionFields(
        Array.from({ length: 21 }, () => ({ field: 'state', op: 'is', value: 'pending' }))
      ),
    })
      .header('Referer', '/segments/create')
      .loginAs(user)
    tooMany.assertFlashMessage('inputErrorsBag', {
      conditions: ['The conditions field must not have more than 20 items'],
    })
  })

  test('a segment a mailing is sent to cannot be deleted; the message names the mailings', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const segment = await createSegment(tenant, 'Pending ones', {
      match: 'all',
      conditions: [{ field: 'state', op: 'is', value: 'pending' }],
    })
    const mailing = await createMailing(tenant, { name: 'Reminder', audience: 'segment' })
    await mailing.merge({ segmentId: segment.id }).save()

    const refused = await deleteForm(client, `/segments/${segment.id}`).loginAs(user)
    refused.assertHeader('location', `/segments/${segment.id}/edit`)
    refused.assertFlashMessage(
      'error',
      'This segment cannot be deleted: it is used by the mailing “Reminder”. Choose another audience for that mailing first.'
    )
    assert.isNotNull(await Segment.find(segment.id))

    await mailing.merge({ audience: 'all', segmentId: null }).save()
    const deleted = await deleteForm(client, `/segments/${segment.id}`).loginAs(user)
    deleted.assertHeader('location', '/segments')
    assert.isNull(await Segment.find(segment.id))
  })

  test('creation days are the workspace’s days', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    tenant.timeZone = 'Asia/Tokyo'
    await tenant.save()
    const [early, late] = await createClients(tenant, 2)
    // 23:30 UTC on Jan 1st is already Jan 2nd in Tokyo.
    await early.merge({ createdAt: DateTime.fromISO('2026-01-01T14:30:00Z') }).save()
    await late.merge({ createdAt: DateTime.fromISO('2026-01-01T23:30:00Z') }).save()

    const live = await postForm(client, '/segments/preview', {
      match: 'all',
      ...conditionFields([{ field: 'created', op: 'after', value: '2026-01-01' }]),
    })
      .header('Accept', 'application/json')
      .loginAs(user)
    assert.deepEqual(
      live.body().sample.map((row: { email: string }) => row.email),
      [late.email]
    )
  })
})
