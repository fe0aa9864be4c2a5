import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Client from '#models/client'
import Suppression from '#models/suppression'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { createUser } from '#tests/helpers/users'
import { deleteForm, postForm } from '#tests/helpers/forms'
import { removeUploads, writeUpload } from '#tests/functional/clients/helpers'

test.group('Suppressions page', () => {
  test('lists newest first, searches, filters by reason and exports', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const entries = [
      ['old-bounce@example.com', 'hard_bounce', '550 5.1.1 user unknown'],
      ['manual@example.com', 'manual', null],
      ['=cmd@example.com', 'complaint', '=HYPERLINK("x")'],
    ] as const
    for (const [email, reason, detail] of entries) {
      await SuppressAddress.handle({ tenantId: tenant.id, email, reason, source: 'test', detail })
    }

    const page = await client.get('/clients/suppressions').loginAs(user)
    page.assertStatus(200)
    const text = page.text()
    const order = ['=cmd@example.com', 'manual@example.com', 'old-bounce@example.com']
    assert.deepEqual(
      order.map((email) => text.indexOf(email)),
      order.map((email) => text.indexOf(email)).sort((a, b) => a - b)
    )
    assert.include(text, '550 5.1.1 user unknown')

    const searched = await client.get('/clients/suppressions?q=BOUNCE').loginAs(user)
    assert.include(searched.text(), 'old-bounce@example.com')
    assert.notInclude(searched.text(), 'manual@example.com')

    const filtered = await client.get('/clients/suppressions?reason=manual').loginAs(user)
    assert.include(filtered.text(), 'manual@example.com')
    assert.notInclude(filtered.text(), 'old-bounce@example.com')

    const csv = await client.get('/clients/suppressions/export?reason=complaint').loginAs(user)
    csv.assertStatus(200)
    assert.match(csv.header('content-disposition') ?? '', /suppressions-\d{4}-\d{2}-\d{2}\.csv/)
    const lines = csv
      .text()
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
    assert.equal(lines[0], 'email,reason,source,detail,suppressed_at')
    assert.lengthOf(lines, 2)
    // Formulas neutralised (csvExport).
    assert.match(lines[1], /^'=cmd@example\.com,complaint,test,"'=HYPERLINK\(""x""\)",/)
  })

  test('pages by keyset, newest first', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    for (let i = 0; i < 51; i++) {
      await SuppressAddress.handle({
        tenantId: tenant.id,
        email: `paged-${i}@example.com`,
        reason: 'manual',
        source: 'test',
      })
    }
    const oldest = await Suppression.query().where('tenant_id', tenant.id).orderBy('id').first()
    const first = await client.get('/clients/suppressions').loginAs(user)
    assert.include(first.text(), 'paged-50@example.com')
    assert.notInclude(first.text(), 'paged-0@example.com')
    const next = /href="[^"]*\?after=(\d+)"/.exec(first.text())
    assert.isNotNull(next)
    const second = await client.get(`/clients/suppressions?after=${next![1]}`).loginAs(user)
    assert.include(second.text(), 'paged-0@example.com')
    assert.notInclude(second.text(), 'paged-50@example.com')
    assert.equal(Number(next![1]), oldest!.id + 1)
  })

  test('adds an address by hand, with the field named when it is not an email', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const bad = await postForm(client, '/clients/suppressions', { email: 'not an email' }).loginAs(
      user
    )
    bad.assertStatus(302)
    bad.assertFlashMessage('inputErrorsBag', { email: ['Enter a valid email address'] })

    const added = await postForm(client, '/clients/suppressions', {
      email: 'Hand@Example.com',
      detail: 'Asked at the counter',
    }).loginAs(user)
    added.assertStatus(302)
    added.assertHeader('location', '/clients/suppressions')
    const entry = await Suppression.query().where('tenant_id', tenant.id).firstOrFail()
    assert.include(entry.serialize(), {
      email: 'hand@example.com',
      reason: 'manual',
      source: 'manual',
      detail: 'Asked at the counter',
    })
  })

  test('a complaint is removed only with its box ticked; removing lets the address be mailed', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: 'spam-button@example.com',
      reason: 'complaint',
      source: 'arf',
    })
    const entry = await Suppression.query().where('tenant_id', tenant.id).firstOrFail()

    const unconfirmed = await deleteForm(client, `/clients/suppressions/${entry.id}`).loginAs(user)
    unconfirmed.assertStatus(302)
    unconfirmed.assertFlashMessage(
      'error',
      'spam-button@example.com reported your mail as spam. Tick the box to confirm they want it again.'
    )
    assert.isNotNull(await Suppression.find(entry.id))

    const confirmed = await deleteForm(client, `/clients/suppressions/${entry.id}`, {
      confirmComplaint: 'true',
    }).loginAs(user)
    confirmed.assertStatus(302)
    assert.isNull(await Suppression.find(entry.id))
  })

  test('an unsubscribe has no Remove button, says why, and a forged removal changes nothing', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const left = await Client.create({
      tenantId: tenant.id,
      email: 'left@example.com',
      fullName: '',
      unsubscribedAt: DateTime.now(),
    })
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: left.email,
      reason: 'unsubscribed',
      source: 'unsubscribe',
    })
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: 'manual@example.com',
      reason: 'manual',
      source: 'manual',
    })
    const entry = await Suppression.query()
      .where({ tenant_id: tenant.id, email: left.email })
      .firstOrFail()

    const page = await client.get('/clients/suppressions').loginAs(user)
    const text = page.text()
    assert.include(text, 'They unsubscribed: only they can subscribe again.')
    assert.notInclude(text, `/clients/suppressions/${entry.id}?_method=DELETE`)
    assert.include(text, 'aria-label="Remove manual@example.com"')
    assert.notInclude(text, 'aria-label="Remove left@example.com"')

    const forged = await deleteForm(client, `/clients/suppressions/${entry.id}`, {
      confirmComplaint: 'true',
    }).loginAs(user)
    forged.assertStatus(302)
    forged.assertFlashMessage(
      'error',
      'left@example.com unsubscribed: only they can subscribe again, so it stays on the list.'
    )
    await entry.refresh()
    assert.equal(entry.reason, 'unsubscribed')
    await left.refresh()
    assert.isNotNull(left.unsubscribedAt)
  })

  test('forms without the CSRF token are refused', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const response = await client
      .post('/clients/suppressions')
      .form({ email: 'csrf@example.com' })
      .redirects(0)
      .loginAs(user)
    response.assertStatus(302)
    assert.isNull(await Suppression.query().where('tenant_id', tenant.id).first())
  })
})

test.group('Suppressions: clients', (group) => {
  group.teardown(removeUploads)

  test('the clients list shows each client’s state, from one query for the page', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const states = {
      'bounced@example.com': 'hard_bounce',
      'complained@example.com': 'complaint',
      'suppressed@example.com': 'manual',
      'unsubscribed@example.com': 'unsubscribed',
    } as const
    for (const [email, reason] of Object.entries(states)) {
      await Client.create({ tenantId: tenant.id, email, fullName: '' })
      await SuppressAddress.handle({ tenantId: tenant.id, email, reason, source: 'test' })
    }
    await Client.create({ tenantId: tenant.id, email: 'fine@example.com', fullName: '' })

    const page = await client.get('/clients?sort=email').loginAs(user)
    const badges = [
      ...page
        .text()
        .matchAll(/>([\w.@-]+)<\/a>\s*<span[^>]*data-testid="client-state"[^>]*>(\w+)</g),
    ]
    assert.deepEqual(
      badges.map(([, email, badge]) => [email, badge]),
      [
        ['bounced@example.com', 'Bounced'],
        ['complained@example.com', 'Complained'],
        ['suppressed@example.com', 'Suppressed'],
        ['unsubscribed@example.com', 'Unsubscribed'],
      ]
    )
  })

  test('a client added by hand with a suppressed address is saved, and the flash says it is not mailed', async ({
    client,
  }) => {
    const { user, tenant } = await createUser()
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: 'dead@example.com',
      reason: 'hard_bounce',
      source: 'smtp',
    })
    const response = await postForm(client, '/clients', { email: 'Dead@example.com' }).loginAs(user)
    response.assertStatus(302)
    response.assertFlashMessage(
      'success',
      'dead@example.com is added to your clients, but it is on your suppression list: no mailing will reach it.'
    )
  })

  test('unsubscribing puts the address on the list, and a re-imported client stays unmailed', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const reader = await Client.create({
      tenantId: tenant.id,
      email: 'reader@example.com',
      fullName: '',
    })
    const { default: UnsubscribeClient } = await import('#actions/clients/unsubscribe_client')
    await UnsubscribeClient.handle(reader)
    const entry = await Suppression.query().where('tenant_id', tenant.id).firstOrFail()
    assert.include(entry.serialize(), {
      email: 'reader@example.com',
      reason: 'unsubscribed',
      source: 'unsubscribe',
    })

    // Deleted and imported again: a fresh client, unsubscribed_at empty,
    // still on the list, and the import says so.
    await deleteForm(client, `/clients/${reader.id}`).loginAs(user)
    const path = await writeUpload(
      'suppressed.csv',
      'email,full_name\nreader@example.com,Reader\nnew@example.com,New\n'
    )
    const report = await postForm(client, '/clients/import').file('file', path).loginAs(user)
    report.assertStatus(200)
    assert.include(
      report
        .text()
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' '),
      '1 address is on the suppression list and will not be mailed'
    )
    const again = await Client.query()
      .where({ tenantId: tenant.id, email: 'reader@example.com' })
      .firstOrFail()
    assert.isNull(again.unsubscribedAt)
    assert.isTrue(DateTime.isDateTime(again.createdAt))
  })
})
