import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import type { Assert } from '@japa/assert'
import type User from '#models/user'
import db from '@adonisjs/lucid/services/db'
import Client from '#models/client'
import Message from '#models/message'
import Mailing from '#models/mailing'
import SendingDomain from '#models/sending_domain'
import AddSendingDomain from '#actions/sending_domains/add_sending_domain'
import Suppression from '#models/suppression'
import SuppressAddress from '#actions/suppressions/suppress_address'
import Tag from '#models/tag'
import Segment from '#models/segment'
import AttributeDefinition from '#models/attribute_definition'
import SignupForm from '#models/signup_form'
import CreateSignupForm from '#actions/signup_forms/create_signup_form'
import { createUser } from '#tests/helpers/users'
import { createClients, createMailing, createMessage } from '#tests/helpers/workspace'
import { postForm, putForm, submitForm } from '#tests/helpers/forms'
import { ownerActorOf } from '#tests/helpers/actors'

type Method = 'get' | 'post' | 'put' | 'delete'

type Route = [Method, string, Record<string, unknown>?]

/**
 * Every route answers the intruder 404, as a missing record does.
 */
async function assertEveryRouteNotFound(
  client: ApiClient,
  assert: Assert,
  intruder: User,
  routes: Route[]
) {
  for (const [method, path, form] of routes) {
    const request = submitForm(client, method.toUpperCase(), path).loginAs(intruder)
    if (form) request.form(form)
    const response = await request
    assert.equal(
      response.status(),
      404,
      `${method.toUpperCase()} ${path} answered ${response.status()}`
    )
  }
}

/**
 * A second workspace's user tries every workspace route of the first
 * workspace's records, and every form field that references them. Each
 * must answer 404 (or a validation error for form fields) and change
 * nothing.
 */
test.group('Tenant isolation', () => {
  test('another workspace gets nothing from any route', async ({ client, assert }) => {
    const victim = await createUser()
    const [victimClient] = await createClients(victim.tenant, 1)
    const victimMessage = await createMessage(victim.tenant, { subject: 'Victim secret subject' })
    const victimMailing = await createMailing(victim.tenant, {
      name: 'Victim mailing',
      status: 'running',
    })
    const victimDomain = await AddSendingDomain.handle(
      await ownerActorOf(victim.tenant),
      victim.tenant,
      `victim-${victim.tenant.id}.example`
    )

    await SuppressAddress.handle({
      tenantId: victim.tenant.id,
      email: 'victim-suppressed@example.com',
      reason: 'complaint',
      source: 'test',
    })
    const victimSuppression = await Suppression.query()
      .where('tenant_id', victim.tenant.id)
      .firstOrFail()

    const intruder = await createUser()
    const [ownClient] = await createClients(intruder.tenant, 1)
    const ownMessage = await createMessage(intruder.tenant)
    const ownMailing = await createMailing(intruder.tenant)

    const routes: Route[] = [
      ['get', `/clients/${victimClient.id}/edit`],
      ['put', `/clients/${victimClient.id}`, { email: 'stolen@example.com', fullName: 'Stolen' }],
      ['delete', `/clients/${victimClient.id}`],
      ['get', `/messages/${victimMessage.id}`],
      ['get', `/messages/${victimMessage.id}/edit`],
      ['put', `/messages/${victimMessage.id}`, { subject: 'Stolen', bodyText: 'Stolen' }],
      ['delete', `/messages/${victimMessage.id}`],
      ['post', `/messages/${victimMessage.id}/duplicate`],
      ['get', `/messages/${victimMessage.id}/preview`],
      ['get', `/messages/${ownMessage.id}/preview?clientId=${victimClient.id}`],
      ['get', `/mailings/${victimMailing.id}`],
      ['get', `/mailings/${victimMailing.id}/edit`],
      ['put', `/mailings/${victimMailing.id}`, { name: 'Stolen', endAt: '2040-01-01T00:00' }],
      ['delete', `/mailings/${victimMailing.id}`],
      ['post', `/mailings/${victimMailing.id}/pause`],
      ['post', `/mailings/${victimMailing.id}/resume`],
      ['post', `/messages/${victimMessage.id}/test-send`],
      ['post', `/mailings/${victimMailing.id}/test-send`],
      ['post', `/settings/sending/domains/${victimDomain.id}/check`],
      ['delete', `/settings/sending/domains/${victimDomain.id}`],
      ['delete', `/clients/suppressions/${victimSuppression.id}`, { confirmComplaint: 'true' }],
    ]

    await assertEveryRouteNotFound(client, assert, intruder.user, routes)

    // Lists and searches never show the other workspace's records.
    const search = await client
      .get(`/clients/search?q=${encodeURIComponent(victimClient.email)}`)
      .loginAs(intruder.user)
    assert.deepEqual(search.body(), [])
    const clients = await client
      .get(`/clients?q=${encodeURIComponent(victimClient.email)}`)
      .loginAs(intruder.user)
    // (the search box echoes the query, so look for the name)
    assert.notInclude(clients.text(), victimClient.fullName)
    const exported = await client.get('/clients/export').loginAs(intruder.user)
    assert.notInclude(exported.text(), victimClient.email)
    const suppressions = await client.get('/clients/suppressions').loginAs(intruder.user)
    assert.notInclude(suppressions.text(), victimSuppression.email)
    const suppressionsCsv = await client.get('/clients/suppressions/export').loginAs(intruder.user)
    assert.notInclude(suppressionsCsv.text(), victimSuppression.email)
    const messages = await client.get('/messages').loginAs(intruder.user)
    assert.notInclude(messages.text(), 'Victim secret subject')
    const mailings = await client.get('/mailings').loginAs(intruder.user)
    assert.notInclude(mailings.text(), 'Victim mailing')

    // Bulk delete with a foreign id deletes nothing of the victim's.
    await postForm(client, '/clients/bulk-delete', {
      ids: [victimClient.id, ownClient.id],
    }).loginAs(intruder.user)

    // Form fields that reference records are checked too.
    const foreignReferences = await putForm(client, `/mailings/${ownMailing.id}`, {
      name: 'Mine',
      messageId: victimMessage.id,
      audience: 'selected',
      clientIds: [victimClient.id, ownClient.id],
      periodicity: 'once',
      startAt: '2035-01-01T10:00',
      endAt: '2035-01-02T10:00',
    }).loginAs(intruder.user)
    foreignReferences.assertFlashMessage('inputErrorsBag', {
      messageId: ['Choose one of your messages'],
      clientIds: ['Some selected clients are not in this workspace'],
    })

    // And nothing of the victim's changed.
    const untouchedClient = await Client.findOrFail(victimClient.id)
    assert.equal(untouchedClient.email, victimClient.email)
    assert.isNotNull(await Suppression.find(victimSuppression.id))
    const untouchedMessage = await Message.findOrFail(victimMessage.id)
    assert.equal(untouchedMessage.subject, 'Victim secret subject')
    const untouchedMailing = await Mailing.findOrFail(victimMailing.id)
    assert.equal(untouchedMailing.name, 'Victim mailing')
    assert.equal(untouchedMailing.status, 'running')
    assert.isNull(untouchedMailing.archivedAt)
    const untouchedDomain = await SendingDomain.findOrFail(victimDomain.id)
    assert.isNull(untouchedDomain.checkedAt)
    assert.equal(
      await Message.query()
        .where('tenant_id', intruder.tenant.id)
        .count('* as n')
        .then((r) => Number(r[0].$extras.n)),
      2
    )
  })
})

/*
| Tags and attributes (issue 15): their pages, and every form field that
| names one (the client form, the list's bulk bar).
*/
test.group('Tenant isolation: tags and attributes', () => {
  test('another workspace’s tags and attributes answer 404 or a field error', async ({
    client,
    assert,
  }) => {
    const victim = await createUser()
    const [victimClient] = await createClients(victim.tenant, 1)
    const victimTag = await Tag.create({ tenantId: victim.tenant.id, name: 'Victim tag secret' })
    const victimAttribute = await AttributeDefinition.create({
      tenantId: victim.tenant.id,
      key: 'victim_secret',
      label: 'Victim attribute secret',
      type: 'text',
    })
    await db.table('client_tags').insert({ tag_id: victimTag.id, client_id: victimClient.id })

    const intruder = await createUser()
    const [ownClient] = await createClients(intruder.tenant, 1)
    const ownTag = await Tag.create({ tenantId: intruder.tenant.id, name: 'Mine' })

    const routes: Route[] = [
      ['get', `/clients/tags/${victimTag.id}/edit`],
      ['put', `/clients/tags/${victimTag.id}`, { name: 'Stolen', isTopic: 'true' }],
      ['delete', `/clients/tags/${victimTag.id}`],
      ['get', `/clients/attributes/${victimAttribute.id}/edit`],
      ['put', `/clients/attributes/${victimAttribute.id}`, { label: 'Stolen' }],
      ['delete', `/clients/attributes/${victimAttribute.id}`],
    ]
    await assertEveryRouteNotFound(client, assert, intruder.user, routes)

    // Lists, the bulk bar and the client form never show them.
    for (const path of ['/clients/tags', '/clients/attributes', '/clients', '/clients/create']) {
      const page = await client.get(path).loginAs(intruder.user)
      assert.notInclude(page.text(), 'Victim tag secret', path)
      assert.notInclude(page.text(), 'Victim attribute secret', path)
    }

    // Form fields naming them are refused beside the field.
    const created = await postForm(client, '/clients', {
      email: 'new@example.com',
      tagIds: [victimTag.id],
      attributes: { victim_secret: 'x' },
    }).loginAs(intruder.user)
    created.assertFlashMessage('inputErrorsBag', {
      'tagIds': ['Choose tags of this workspace'],
      'attributes.victim_secret': ['Unknown attribute "victim_secret"'],
    })
    const edited = await putForm(client, `/clients/${ownClient.id}`, {
      email: ownClient.email,
      tagIds: [ownTag.id, victimTag.id],
    }).loginAs(intruder.user)
    edited.assertFlashMessage('inputErrorsBag', {
      tagIds: ['Choose tags of this workspace'],
    })
    for (const scope of ['selected', 'search']) {
      const bulk = await postForm(client, '/clients/bulk-tag', {
        tagId: victimTag.id,
        op: 'remove',
        scope,
        ids: [victimClient.id, ownClient.id],
      }).loginAs(intruder.user)
      bulk.assertFlashMessage('inputErrorsBag', { tagId: ['Choose one of your tags'] })
    }
    // Their clients ticked with one's own tag are not found, so not tagged.
    await postForm(client, '/clients/bulk-tag', {
      tagId: ownTag.id,
      op: 'add',
      scope: 'selected',
      ids: [victimClient.id],
    }).loginAs(intruder.user)

    // And nothing of the victim's changed.
    const untouchedTag = await Tag.findOrFail(victimTag.id)
    assert.equal(untouchedTag.name, 'Victim tag secret')
    assert.isFalse(untouchedTag.isTopic)
    const untouchedAttribute = await AttributeDefinition.findOrFail(victimAttribute.id)
    assert.equal(untouchedAttribute.label, 'Victim attribute secret')
    const victimTags = await db
      .from('client_tags')
      .where('client_id', victimClient.id)
      .select('tag_id')
    assert.deepEqual(
      victimTags.map((row) => Number(row.tag_id)),
      [victimTag.id]
    )
    assert.isNull(await Client.query().where('email', 'new@example.com').first())
  })
})

/*
| ---------------------------------------------------------------------------
| Audiences (issue 15): segments and the tags/segments that mailings and the
| clients list refer to.
| ---------------------------------------------------------------------------
*/
test.group('Tenant isolation: segments and audiences', () => {
  test('another workspace’s segments answer 404 and its tags and segments are refused in every field', async ({
    client,
    assert,
  }) => {
    const victim = await createUser()
    const [victimTag] = await Tag.createMany([{ tenantId: victim.tenant.id, name: 'victim-tag' }])
    const victimSegment = await Segment.create({
      tenantId: victim.tenant.id,
      name: 'Victim segment',
      definition: {
        match: 'all',
        conditions: [{ field: 'tags', op: 'any', tagIds: [victimTag.id] }],
      },
    })
    const [victimClient] = await createClients(victim.tenant, 1)
    await victimClient.related('tags').attach([victimTag.id])

    const intruder = await createUser()
    const ownMessage = await createMessage(intruder.tenant)
    const ownMailing = await createMailing(intruder.tenant)
    const row = (index: number, fields: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(fields).map(([key, value]) => [
          `conditions[${index}][${key}]${Array.isArray(value) ? '[]' : ''}`,
          value,
        ])
      )
    const stolen = {
      name: 'Stolen',
      match: 'all',
      ...row(0, { field: 'state', op: 'is', value: 'subscribed' }),
    }

    const routes: Route[] = [
      ['get', `/segments/${victimSegment.id}/edit`],
      ['put', `/segments/${victimSegment.id}`, stolen],
      ['delete', `/segments/${victimSegment.id}`],
      ['post', `/segments/${victimSegment.id}/editor`, { ...stolen, intent: 'preview' }],
      ['get', `/segments/${victimSegment.id}/count`],
      ['get', `/clients?segment=${victimSegment.id}`],
      ['get', `/clients?tag=${victimTag.id}`],
    ]
    await assertEveryRouteNotFound(client, assert, intruder.user, routes)

    // The segments list shows none of the victim's.
    const list = await client.get('/segments').loginAs(intruder.user)
    assert.notInclude(list.text(), 'Victim segment')

    // A segment condition on the victim's tag is refused beside the field,
    // and the preview never counts the victim's clients.
    const foreignTag = await postForm(client, '/segments', {
      name: 'Mine',
      match: 'all',
      ...row(0, { field: 'tags', op: 'none', tagIds: [victimTag.id] }),
    }).loginAs(intruder.user)
    foreignTag.assertFlashMessage('inputErrorsBag', {
      'conditions.0.tagIds': ['Choose tags of this workspace'],
    })
    const preview = await postForm(client, '/segments/preview', {
      match: 'all',
      ...row(0, { field: 'state', op: 'is', value: 'subscribed' }),
    })
      .header('Accept', 'application/json')
      .loginAs(intruder.user)
    assert.equal(preview.body().count, 0)

    // The mailing form refuses the victim's tags and segment.
    const mailing = await putForm(client, `/mailings/${ownMailing.id}`, {
      name: 'Mine',
      messageId: ownMessage.id,
      audience: 'tags',
      tagIds: [victimTag.id],
      segmentId: victimSegment.id,
      periodicity: 'once',
      startAt: '2035-01-01T10:00',
      endAt: '2035-01-02T10:00',
    }).loginAs(intruder.user)
    mailing.assertFlashMessage('inputErrorsBag', {
      tagIds: ['Choose tags of this workspace'],
      segmentId: ['Choose one of your segments'],
    })

    // Nothing of the victim's changed.
    const untouched = await Segment.findOrFail(victimSegment.id)
    assert.equal(untouched.name, 'Victim segment')
    assert.lengthOf(await Segment.query().where('tenant_id', intruder.tenant.id), 0)
  })
})

/*
|--------------------------------------------------------------------------
| Sign-up forms (issue 15)
|--------------------------------------------------------------------------
*/
test.group('Tenant isolation: sign-up forms', () => {
  test('another workspace’s forms answer 404 on every route and are never listed or used', async ({
    client,
    assert,
  }) => {
    const victim = await createUser()
    const victimAttribute = await AttributeDefinition.create({
      tenantId: victim.tenant.id,
      key: 'secret',
      label: 'Secret',
      type: 'text',
    })
    const victimForm = await CreateSignupForm.handle({
      actor: await ownerActorOf(victim.tenant),
      tenant: victim.tenant,
      data: {
        name: 'Victim form',
        title: 'Victim title',
        consentText: 'Yes',
        successText: 'Thanks',
        confirmedText: 'Confirmed',
        confirmationSubject: 'Confirm',
        confirmationBody: 'Go {{ confirm_url }}',
        enabled: true,
      },
    })
    const intruder = await createUser()

    const routes: Route[] = [
      ['get', `/clients/forms/${victimForm.id}/edit`],
      [
        'put',
        `/clients/forms/${victimForm.id}`,
        {
          name: 'Stolen',
          title: 'Stolen',
          consentText: 'x',
          successText: 'x',
          confirmedText: 'x',
          confirmationSubject: 'x',
          confirmationBody: '{{ confirm_url }}',
        },
      ],
      ['delete', `/clients/forms/${victimForm.id}`],
      ['post', `/clients/forms/${victimForm.id}/regenerate-token`],
    ]
    await assertEveryRouteNotFound(client, assert, intruder.user, routes)

    const list = await client.get('/clients/forms').loginAs(intruder.user)
    assert.notInclude(list.text(), 'Victim form')

    // The victim's attribute cannot be asked by the intruder's form.
    const foreign = await postForm(client, '/clients/forms', {
      'name': 'Mine',
      'title': 'Mine',
      'consentText': 'x',
      'successText': 'x',
      'confirmedText': 'x',
      'confirmationSubject': 'x',
      'confirmationBody': '{{ confirm_url }}',
      'attributes[0][id]': victimAttribute.id,
      'attributes[0][asked]': '1',
    }).loginAs(intruder.user)
    foreign.assertFlashMessage('inputErrorsBag', {
      attributes: ['Choose among your own attributes'],
    })

    const untouched = await SignupForm.findOrFail(victimForm.id)
    assert.equal(untouched.name, 'Victim form')
    assert.equal(untouched.publicToken, victimForm.publicToken)
    assert.isNull(await SignupForm.query().where('tenant_id', intruder.tenant.id).first())
  })
})

/*
|--------------------------------------------------------------------------
| Teams (issue 16): one person, two workspaces
|--------------------------------------------------------------------------
| A member of A and B, acting in A, reaches none of B's records through A:
| not in paths, not in form fields. `?workspace=` switches to a workspace
| they are a member of, and answers 404 for any other.
*/
test.group('Tenant isolation: a member of two workspaces', () => {
  test('acting in A, B’s ids answer 404 or a field error, and nothing of B changes', async ({
    client,
    assert,
  }) => {
    const { user: member, tenant: workspaceA } = await createUser()
    const { tenant: workspaceB } = await createUser()
    const { default: Membership } = await import('#models/membership')
    await Membership.create({ tenantId: workspaceB.id, userId: member.id, role: 'editor' })
    // Acting in A: the workspace they were last in.
    member.lastTenantId = workspaceA.id
    await member.save()

    const [clientB] = await createClients(workspaceB, 1)
    const messageB = await createMessage(workspaceB, { subject: 'B secret subject' })
    const mailingB = await createMailing(workspaceB, { name: 'B mailing', status: 'running' })
    const tagB = await Tag.create({ tenantId: workspaceB.id, name: 'B tag' })
    const segmentB = await Segment.create({
      tenantId: workspaceB.id,
      name: 'B segment',
      definition: { match: 'all', conditions: [{ field: 'state', op: 'is', value: 'subscribed' }] },
    })
    const [clientA] = await createClients(workspaceA, 1)
    const messageA = await createMessage(workspaceA)
    const mailingA = await createMailing(workspaceA)

    const routes: Route[] = [
      ['get', `/clients/${clientB.id}/edit`],
      ['put', `/clients/${clientB.id}`, { email: 'stolen@example.com', fullName: 'Stolen' }],
      ['delete', `/clients/${clientB.id}`],
      ['get', `/messages/${messageB.id}`],
      ['get', `/messages/${messageB.id}/edit`],
      ['put', `/messages/${messageB.id}`, { subject: 'Stolen', bodyText: 'Stolen' }],
      ['delete', `/messages/${messageB.id}`],
      ['post', `/messages/${messageB.id}/duplicate`],
      ['get', `/messages/${messageA.id}/preview?clientId=${clientB.id}`],
      ['get', `/mailings/${mailingB.id}`],
      ['get', `/mailings/${mailingB.id}/stats`],
      ['get', `/mailings/${mailingB.id}/deliveries`],
      ['put', `/mailings/${mailingB.id}`, { name: 'Stolen', endAt: '2040-01-01T00:00' }],
      ['delete', `/mailings/${mailingB.id}`],
      ['post', `/mailings/${mailingB.id}/pause`],
      ['get', `/clients/tags/${tagB.id}/edit`],
      ['put', `/clients/tags/${tagB.id}`, { name: 'Stolen' }],
      ['delete', `/clients/tags/${tagB.id}`],
      ['get', `/segments/${segmentB.id}/edit`],
      ['delete', `/segments/${segmentB.id}`],
      ['get', `/segments/${segmentB.id}/count`],
      ['get', `/clients?segment=${segmentB.id}`],
      ['get', `/clients?tag=${tagB.id}`],
    ]
    await assertEveryRouteNotFound(client, assert, member, routes)

    // Form fields naming B's records are refused beside the field.
    const mailing = await putForm(client, `/mailings/${mailingA.id}`, {
      name: 'Mine',
      messageId: messageB.id,
      audience: 'selected',
      clientIds: [clientB.id, clientA.id],
      periodicity: 'once',
      startAt: '2035-01-01T10:00',
      endAt: '2035-01-02T10:00',
    }).loginAs(member)
    mailing.assertFlashMessage('inputErrorsBag', {
      messageId: ['Choose one of your messages'],
      clientIds: ['Some selected clients are not in this workspace'],
    })
    const tagged = await postForm(client, '/clients/bulk-tag', {
      tagId: tagB.id,
      op: 'add',
      scope: 'selected',
      ids: [clientA.id],
    }).loginAs(member)
    tagged.assertFlashMessage('inputErrorsBag', { tagId: ['Choose one of your tags'] })
    const created = await postForm(client, '/clients', {
      email: 'new-in-a@example.com',
      tagIds: [tagB.id],
    }).loginAs(member)
    created.assertFlashMessage('inputErrorsBag', { tagIds: ['Choose tags of this workspace'] })
    await postForm(client, '/clients/bulk-delete', { ids: [clientB.id] }).loginAs(member)

    // A form of A's page posted with B's workspace field is refused whole.
    const crossed = await postForm(client, '/clients', {
      email: 'crossed@example.com',
      _workspace: String(workspaceB.id),
    }).loginAs(member)
    crossed.assertStatus(302)
    assert.isNull(await Client.query().where('email', 'crossed@example.com').first())

    // Lists in A never show B's records.
    const messages = await client.get('/messages').loginAs(member)
    assert.notInclude(messages.text(), 'B secret subject')
    const mailings = await client.get('/mailings').loginAs(member)
    assert.notInclude(mailings.text(), 'B mailing')

    // Nothing of B's changed.
    const untouchedClient = await Client.findOrFail(clientB.id)
    assert.equal(untouchedClient.email, clientB.email)
    const untouchedMessage = await Message.findOrFail(messageB.id)
    assert.equal(untouchedMessage.subject, 'B secret subject')
    const untouchedMailing = await Mailing.findOrFail(mailingB.id)
    assert.equal(untouchedMailing.name, 'B mailing')
    assert.equal(untouchedMailing.status, 'running')
    assert.isNull(untouchedMailing.archivedAt)
    const untouchedTag = await Tag.findOrFail(tagB.id)
    assert.equal(untouchedTag.name, 'B tag')
    assert.isNotNull(await Segment.find(segmentB.id))
    const tagsOfA = await db.from('client_tags').where('tag_id', tagB.id)
    assert.lengthOf(tagsOfA, 0)
  })

  test('?workspace= switches to a workspace the person is a member of, and 404s for another', async ({
    client,
    assert,
  }) => {
    const { user: member, tenant: workspaceA } = await createUser()
    const { tenant: workspaceB } = await createUser()
    const { tenant: workspaceC } = await createUser()
    const { default: Membership } = await import('#models/membership')
    await Membership.create({ tenantId: workspaceB.id, userId: member.id, role: 'viewer' })
    member.lastTenantId = workspaceA.id
    await member.save()
    const messageB = await createMessage(workspaceB, { subject: 'Only in B' })
    const messageC = await createMessage(workspaceC, { subject: 'Only in C' })

    // Acting in A, B's message is not found...
    const fromA = await client.get(`/messages/${messageB.id}`).loginAs(member)
    fromA.assertStatus(404)
    // ...until the link names B, which switches to it.
    const inB = await client
      .get(`/messages/${messageB.id}?workspace=${workspaceB.id}`)
      .loginAs(member)
    inB.assertStatus(200)
    assert.include(inB.text(), 'Only in B')
    await member.refresh()
    assert.equal(member.lastTenantId, workspaceB.id)

    // A workspace they are not a member of is not found, whatever the path.
    for (const path of [`/messages/${messageC.id}`, '/dashboard', '/clients']) {
      const response = await client.get(`${path}?workspace=${workspaceC.id}`).loginAs(member)
      response.assertStatus(404)
    }
    const stolen = await client.get(`/messages/${messageC.id}`).loginAs(member)
    stolen.assertStatus(404)
    await member.refresh()
    assert.notEqual(member.lastTenantId, workspaceC.id)
    const untouchedC = await Message.findOrFail(messageC.id)
    assert.equal(untouchedC.subject, 'Only in C')
  })
})
