import { DateTime } from 'luxon'
import { test } from '@japa/runner'
import Delivery from '#models/delivery'
import Mailing from '#models/mailing'
import MailingRun from '#models/mailing_run'
import StartRun from '#sending/start_run'
import { createUser } from '#tests/helpers/users'
import { createClients, createMailing, createMessage } from '#tests/helpers/workspace'
import { postForm } from '#tests/helpers/forms'
import { api, createToken } from '#tests/helpers/api'
import { waitUntil } from '#tests/helpers/wait'
import {
  createSegment,
  createTags,
  defineAttributes,
  tag,
} from '#tests/functional/segments/helpers'

async function recipientsOf(runId: number) {
  const deliveries = await Delivery.query().where('run_id', runId).orderBy('email')
  return deliveries.map((delivery) => delivery.email)
}

function emails(...clients: { email: string }[]) {
  return clients.map((client) => client.email).sort()
}

test.group('Mailing audiences: tags and segments at run start', () => {
  test('a tags audience reaches the clients with any of the tags, never pending ones', async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    const [vip, trial, other] = await createTags(tenant, ['vip', 'trial', 'other'])
    const [a, b, c, pending, untagged] = await createClients(tenant, 5)
    await tag([a, pending], vip)
    await tag([b], trial)
    await tag([c], other)
    await pending.merge({ pendingAt: DateTime.now() }).save()
    const mailing = await createMailing(tenant, { audience: 'tags' })
    await mailing.related('tags').attach([vip.id, trial.id])

    const run = await StartRun.handle(mailing, DateTime.now(), { dispatch: false })

    assert.deepEqual(await recipientsOf(run!.id), emails(a, b))
    assert.notInclude(await recipientsOf(run!.id), untagged.email)
  })

  test('pending clients get no delivery whatever the audience', async ({ assert }) => {
    const { tenant } = await createUser()
    const [vip] = await createTags(tenant, ['vip'])
    const [subscribed, pending] = await createClients(tenant, 2)
    await pending.merge({ pendingAt: DateTime.now() }).save()
    await tag([subscribed, pending], vip)
    const segment = await createSegment(tenant, 'Everyone tagged', {
      match: 'all',
      conditions: [{ field: 'tags', op: 'any', tagIds: [vip.id] }],
    })
    // Even a segment asking for pending clients mails none of them.
    const pendingOnes = await createSegment(tenant, 'Pending', {
      match: 'all',
      conditions: [{ field: 'state', op: 'is', value: 'pending' }],
    })

    const audiences: [string, (mailing: Mailing) => Promise<unknown>][] = [
      ['all', async () => {}],
      ['selected', (m) => m.related('recipients').attach([subscribed.id, pending.id])],
      ['tags', (m) => m.related('tags').attach([vip.id])],
      ['segment', (m) => m.merge({ segmentId: segment.id }).save()],
      ['segment', (m) => m.merge({ segmentId: pendingOnes.id }).save()],
    ]
    for (const [audience, prepare] of audiences) {
      const mailing = await createMailing(tenant, { audience: audience as Mailing['audience'] })
      await prepare(mailing)
      const run = await StartRun.handle(mailing, DateTime.now(), { dispatch: false })
      assert.notInclude(await recipientsOf(run!.id), pending.email, audience)
    }
  })

  test('a periodic mailing to a segment reaches whoever matches at each occurrence', async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    await defineAttributes(tenant)
    const [vip] = await createTags(tenant, ['vip'])
    const [paris, lyon, later, leaving] = await createClients(tenant, 4)
    await paris.merge({ attributes: { city: 'Paris' } }).save()
    await lyon.merge({ attributes: { city: 'Lyon' } }).save()
    await leaving.merge({ attributes: { city: 'paris' } }).save()
    await tag([paris, leaving], vip)
    const segment = await createSegment(tenant, 'Parisian VIPs', {
      match: 'all',
      conditions: [
        { field: 'tags', op: 'any', tagIds: [vip.id] },
        { field: 'attribute', key: 'city', op: 'eq', value: 'PARIS' },
      ],
    })
    const mailing = await createMailing(tenant, {
      audience: 'segment',
      periodicity: 'daily',
      startAt: DateTime.now().minus({ days: 3 }),
      endAt: DateTime.now().plus({ days: 3 }),
    })
    await mailing.merge({ segmentId: segment.id }).save()
    const first = DateTime.now().minus({ days: 1 }).startOf('minute')

    const firstRun = await StartRun.handle(mailing, first, { dispatch: false })
    assert.deepEqual(await recipientsOf(firstRun!.id), emails(paris, leaving))

    // Between the occurrences: one moves to Paris and gets the tag, one leaves.
    await later.merge({ attributes: { city: 'Paris' } }).save()
    await tag([later], vip)
    await leaving.merge({ attributes: { city: 'Nice' } }).save()
    const [newcomer] = await createClients(tenant, 1)
    await newcomer.merge({ attributes: { city: 'paris' } }).save()
    await tag([newcomer], vip)

    const secondRun = await StartRun.handle(mailing, first.plus({ days: 1 }), { dispatch: false })
    assert.deepEqual(await recipientsOf(secondRun!.id), emails(paris, later, newcomer))
    // The first run kept the recipients it was started with.
    assert.deepEqual(await recipientsOf(firstRun!.id), emails(paris, leaving))
    assert.notInclude(await recipientsOf(secondRun!.id), lyon.email)
  })

  test('created in the form, sent by the worker: a segment mailing reaches its segment only', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    await defineAttributes(tenant)
    const [high, low, none] = await createClients(tenant, 3)
    await high.merge({ attributes: { score: 42 } }).save()
    await low.merge({ attributes: { score: 3 } }).save()
    const segment = await createSegment(tenant, 'High scores', {
      match: 'all',
      conditions: [{ field: 'attribute', key: 'score', op: 'gt', value: 10 }],
    })
    const local = (time: DateTime) => time.setZone(tenant.timeZone).toFormat("yyyy-MM-dd'T'HH:mm")

    const response = await postForm(client, '/mailings', {
      name: 'For high scores',
      messageId: message.id,
      audience: 'segment',
      segmentId: segment.id,
      periodicity: 'once',
      startAt: local(DateTime.now().minus({ hours: 1 })),
      endAt: local(DateTime.now().plus({ hours: 1 })),
    }).loginAs(user)
    response.assertStatus(302)
    const mailing = await Mailing.query().where('tenant_id', tenant.id).firstOrFail()
    assert.equal(mailing.segmentId, segment.id)

    const run = await waitUntil('the run to complete', () =>
      MailingRun.query().where({ mailing_id: mailing.id, status: 'completed' }).first()
    )
    assert.deepEqual(await recipientsOf(run.id), [high.email])
    assert.notInclude(await recipientsOf(run.id), low.email)
    assert.notInclude(await recipientsOf(run.id), none.email)

    // The mailing page names the segment and how many match now.
    const page = await client.get(`/mailings/${mailing.id}`).loginAs(user)
    assert.include(page.text(), `/segments/${segment.id}/edit`)
    assert.include(page.text(), 'High scores')
    assert.match(page.text(), /data-testid="recipients-count">\s*1 client matches now/)
  })

  test('the form refuses a tags or segment audience without its tags or segment', async ({
    client,
  }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    const fields = {
      name: 'Nobody',
      messageId: message.id,
      periodicity: 'once',
      startAt: '2035-01-01T10:00',
      endAt: '2035-01-02T10:00',
    }
    const tags = await postForm(client, '/mailings', { ...fields, audience: 'tags' }).loginAs(user)
    tags.assertFlashMessage('inputErrorsBag', { tagIds: ['Choose at least one tag'] })
    const segment = await postForm(client, '/mailings', {
      ...fields,
      audience: 'segment',
    }).loginAs(user)
    segment.assertFlashMessage('inputErrorsBag', { segmentId: ['Choose the segment to send to'] })
  })

  test('the API takes tag_ids and segment_id, and shows them', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    const [vip, trial] = await createTags(tenant, ['vip', 'trial'])
    const segment = await createSegment(tenant, 'Subscribed', {
      match: 'all',
      conditions: [{ field: 'state', op: 'is', value: 'subscribed' }],
    })
    const calls = api(client, await createToken(user))
    const body = {
      name: 'By tags',
      message_id: message.id,
      periodicity: 'once',
      start_at: '2035-01-01T10:00',
      end_at: '2035-01-02T10:00',
    }

    const byTags = await calls.post('/mailings', {
      ...body,
      audience: 'tags',
      tag_ids: [vip.id, trial.id],
    })
    byTags.assertStatus(201)
    assert.sameMembers(byTags.body().tag_ids, [vip.id, trial.id])
    assert.isNull(byTags.body().segment_id)

    const bySegment = await calls.put(`/mailings/${byTags.body().id}`, {
      ...body,
      audience: 'segment',
      segment_id: segment.id,
    })
    bySegment.assertStatus(200)
    assert.equal(bySegment.body().segment_id, segment.id)
    assert.deepEqual(bySegment.body().tag_ids, [])
    const mailing = await Mailing.findOrFail(byTags.body().id)
    assert.lengthOf(await mailing.related('tags').query(), 0)

    const listed = await calls.get('/mailings')
    assert.equal(listed.body().data[0].segment_id, segment.id)

    // Another workspace's tags and segments are refused beside their fields.
    const other = await createUser()
    const [theirTag] = await createTags(other.tenant, ['vip'])
    const theirSegment = await createSegment(other.tenant, 'Theirs', {
      match: 'all',
      conditions: [{ field: 'state', op: 'is', value: 'subscribed' }],
    })
    const refused = await calls.post('/mailings', {
      ...body,
      audience: 'tags',
      tag_ids: [theirTag.id],
    })
    refused.assertStatus(422)
    assert.equal(refused.body().errors[0].field, 'tag_ids')
    const refusedSegment = await calls.post('/mailings', {
      ...body,
      audience: 'segment',
      segment_id: theirSegment.id,
    })
    refusedSegment.assertStatus(422)
    assert.equal(refusedSegment.body().errors[0].field, 'segment_id')
  })

  test('the mailing page’s count says unsubscribed and suppressed clients are skipped', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [vip] = await createTags(tenant, ['vip'])
    const [subscribed, unsubscribed] = await createClients(tenant, 2)
    await unsubscribed.merge({ unsubscribedAt: DateTime.now() }).save()
    await tag([subscribed, unsubscribed], vip)
    const mailing = await createMailing(tenant, { audience: 'tags' })
    await mailing.related('tags').attach([vip.id])

    const page = await client.get(`/mailings/${mailing.id}`).loginAs(user)
    // Both match; the page must not promise the unsubscribed one a message.
    assert.match(page.text(), /data-testid="recipients-count">\s*2 clients match now/)
    assert.match(
      page.text(),
      /data-testid="recipients-skipped">Unsubscribed and suppressed ones among them are skipped when a run starts\./
    )
    const run = await StartRun.handle(mailing, DateTime.now(), { dispatch: false })
    assert.deepEqual(await recipientsOf(run!.id), emails(subscribed, unsubscribed))
    const sendable = await Delivery.query().where('run_id', run!.id).where('status', 'queued')
    assert.deepEqual(emails(...sendable), emails(subscribed))
  })
})

test.group('The clients list filtered by tag, segment and state', () => {
  test('the web list and the API filter, with the search and the paging', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const [vip] = await createTags(tenant, ['vip'])
    const clients = await createClients(tenant, 6)
    await tag(clients.slice(0, 4), vip)
    await clients[0].merge({ unsubscribedAt: DateTime.now() }).save()
    await clients[1].merge({ pendingAt: DateTime.now() }).save()
    for (const high of clients.slice(0, 3)) {
      await high.merge({ attributes: { score: 50 } }).save()
    }
    const segment = await createSegment(tenant, 'High', {
      match: 'all',
      conditions: [{ field: 'attribute', key: 'score', op: 'gt', value: 10 }],
    })

    const byTag = await client.get(`/clients?tag=${vip.id}&state=&segment=`).loginAs(user)
    for (const shown of clients.slice(0, 4)) assert.include(byTag.text(), shown.email)
    for (const hidden of clients.slice(4)) assert.notInclude(byTag.text(), hidden.email)

    const bySegmentAndState = await client
      .get(`/clients?segment=${segment.id}&state=subscribed`)
      .loginAs(user)
    assert.include(bySegmentAndState.text(), clients[2].email)
    for (const hidden of [clients[0], clients[1], clients[3]]) {
      assert.notInclude(bySegmentAndState.text(), hidden.email)
    }

    const calls = api(client, await createToken(user))
    const pending = await calls.get('/clients?state=pending')
    assert.deepEqual(
      pending.body().data.map((row: { email: string }) => row.email),
      [clients[1].email]
    )
    // Page by page through a filter: two a page, every tagged client once.
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: any = await calls.get(
        `/clients?tag_id=${vip.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`
      )
      seen.push(...page.body().data.map((row: { email: string }) => row.email))
      cursor = page.body().next_cursor
    } while (cursor)
    assert.sameMembers(seen, emails(...clients.slice(0, 4)))
    const searched = await calls.get(
      `/clients?segment_id=${segment.id}&q=${encodeURIComponent(clients[2].email)}`
    )
    assert.deepEqual(
      searched.body().data.map((row: { email: string }) => row.email),
      [clients[2].email]
    )
    const badState = await calls.get('/clients?state=gone')
    badState.assertStatus(422)
    // Another workspace's tag is not found.
    const other = await createUser()
    const [theirs] = await createTags(other.tenant, ['vip'])
    const foreign = await calls.get(`/clients?tag_id=${theirs.id}`)
    foreign.assertStatus(404)
  })
})
