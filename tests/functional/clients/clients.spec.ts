import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Client from '#models/client'
import Delivery from '#models/delivery'
import StartRun from '#sending/start_run'
import { createClients, createMailing } from '#tests/helpers/workspace'
import { createUser } from '#tests/helpers/users'
import { emailsInList, insertClients } from '#tests/functional/clients/helpers'
import { deleteForm, postForm, putForm } from '#tests/helpers/forms'

let sequence = 0
function uniqueEmail(name = 'client') {
  sequence += 1
  return `${name}-${Date.now().toString(36)}-${sequence}@example.com`
}

test.group('Clients: list', () => {
  test('a new workspace sees an invitation to add or import clients', async ({ client }) => {
    const { user } = await createUser()
    const response = await client.get('/clients').loginAs(user)

    response.assertStatus(200)
    response.assertTextIncludes('No clients yet')
    response.assertTextIncludes('href="/clients/create"')
    response.assertTextIncludes('href="/clients/import"')
  })

  test('lists only the workspace’s own clients, with the unsubscribed badge', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const other = await createUser()
    await tenant.related('clients').createMany([
      { email: 'ada@example.com', fullName: 'Ada Lovelace' },
      { email: 'gone@example.com', fullName: 'Gone Away', unsubscribedAt: DateTime.utc() },
    ])
    await other.tenant
      .related('clients')
      .create({ email: 'secret@example.com', fullName: 'Secret' })

    const response = await client.get('/clients').loginAs(user)
    response.assertStatus(200)
    const html = response.text()
    assert.sameMembers(emailsInList(html), ['ada@example.com', 'gone@example.com'])
    assert.notInclude(html, 'secret@example.com')
    assert.match(
      html,
      /gone@example\.com<\/a>\s*<span class="badge[^"]*"[^>]*>Unsubscribed<\/span>/
    )
    assert.notMatch(html, /ada@example\.com<\/a>\s*<span class="badge/)
  })

  test('searches by email or name, case-insensitively, with % matched literally', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await insertClients(tenant, [
      { email: 'grace@navy.example', fullName: 'Grace Hopper' },
      { email: 'alan@bletchley.example', fullName: 'Alan Turing' },
      { email: 'hopper-fan@example.com', fullName: 'Fan' },
      { email: 'percent@example.com', fullName: '100% Real' },
    ])

    const byName = await client.get('/clients').qs({ q: 'HOPPER' }).loginAs(user)
    assert.sameMembers(emailsInList(byName.text()), [
      'grace@navy.example',
      'hopper-fan@example.com',
    ])

    const byEmail = await client.get('/clients').qs({ q: 'bletchley' }).loginAs(user)
    assert.deepEqual(emailsInList(byEmail.text()), ['alan@bletchley.example'])

    const literal = await client.get('/clients').qs({ q: '0%' }).loginAs(user)
    assert.deepEqual(emailsInList(literal.text()), ['percent@example.com'])

    const none = await client.get('/clients').qs({ q: 'nobody-at-all' }).loginAs(user)
    none.assertTextIncludes('No client matches “nobody-at-all”')
  })

  test('sorts by email, name and creation time, both ways', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    await insertClients(tenant, [
      { email: 'b@example.com', fullName: 'Zoe', createdAt: '2026-01-02 10:00:00' },
      { email: 'c@example.com', fullName: 'Adam', createdAt: '2026-01-03 10:00:00' },
      { email: 'a@example.com', fullName: 'Mia', createdAt: '2026-01-01 10:00:00' },
    ])
    const list = async (sort: string, dir: string) => {
      const response = await client.get('/clients').qs({ sort, dir }).loginAs(user)
      return emailsInList(response.text())
    }

    // The column headers sort, and a second click reverses.
    const byEmail = await client.get('/clients').qs({ sort: 'email', dir: 'asc' }).loginAs(user)
    byEmail.assertTextIncludes('href="/clients?sort=email&amp;dir=desc"')
    byEmail.assertTextIncludes('href="/clients?sort=name&amp;dir=asc"')
    byEmail.assertTextIncludes('href="/clients?sort=created&amp;dir=desc"')

    assert.deepEqual(await list('email', 'asc'), [
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ])
    assert.deepEqual(await list('email', 'desc'), [
      'c@example.com',
      'b@example.com',
      'a@example.com',
    ])
    assert.deepEqual(await list('name', 'asc'), ['c@example.com', 'a@example.com', 'b@example.com'])
    assert.deepEqual(await list('name', 'desc'), [
      'b@example.com',
      'a@example.com',
      'c@example.com',
    ])
    assert.deepEqual(await list('created', 'desc'), [
      'c@example.com',
      'b@example.com',
      'a@example.com',
    ])
    assert.deepEqual(await list('created', 'asc'), [
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ])
    // Newest first by default; a hand-edited sort falls back to it.
    const fallback = await client.get('/clients').qs({ sort: 'password', dir: 'up' }).loginAs(user)
    fallback.assertStatus(200)
    assert.deepEqual(emailsInList(fallback.text()), await list('created', 'desc'))
  })
})

test.group('Clients: create', () => {
  test('adds a client with its email trimmed and lower-cased', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const email = uniqueEmail('Ada')
    const response = await postForm(client, '/clients', {
      email: `  ${email.toUpperCase()} `,
      fullName: ' Ada Lovelace ',
      comment: 'VIP',
    }).loginAs(user)

    response.assertStatus(302)
    response.assertHeader('location', '/clients')
    response.assertFlashMessage('success', `${email.toLowerCase()} is added to your clients.`)
    const saved = await tenant.related('clients').query().firstOrFail()
    assert.equal(saved.email, email.toLowerCase())
    assert.equal(saved.fullName, 'Ada Lovelace')
    assert.equal(saved.comment, 'VIP')
    assert.isNull(saved.unsubscribedAt)
  })

  test('the name and comment are optional', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const response = await postForm(client, '/clients', {
      email: uniqueEmail(),
      fullName: '',
      comment: '',
    }).loginAs(user)

    response.assertStatus(302)
    const saved = await tenant.related('clients').query().firstOrFail()
    assert.equal(saved.fullName, '')
    assert.isNull(saved.comment)
  })

  test('refuses an invalid or missing email, and a name too long', async ({ client }) => {
    const { user } = await createUser()
    const invalid = await postForm(client, '/clients', {
      email: 'not-an-email',
      fullName: 'x'.repeat(201),
    }).loginAs(user)
    invalid.assertFlashMessage('inputErrorsBag', {
      email: ['Enter a valid email address'],
      fullName: ['The name must be at most 200 characters long'],
    })

    const missing = await postForm(client, '/clients', { fullName: 'Nobody' }).loginAs(user)
    missing.assertFlashMessage('inputErrorsBag', { email: ['Please fill in the email'] })
  })

  test('an email is unique in the workspace, whatever its case', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const email = uniqueEmail()
    await tenant.related('clients').create({ email, fullName: 'First' })

    const response = await postForm(client, '/clients', {
      email: email.toUpperCase(),
      fullName: 'Second',
    }).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      email: ['A client with this email already exists in your workspace'],
    })
    assert.lengthOf(await tenant.related('clients').query(), 1)
  })

  test('another workspace may have the same client', async ({ client, assert }) => {
    const first = await createUser()
    const second = await createUser()
    const email = uniqueEmail()
    await first.tenant.related('clients').create({ email, fullName: 'Shared' })

    const response = await postForm(client, '/clients', {
      email,
      fullName: 'Shared too',
    }).loginAs(second.user)

    response.assertFlashMessage('success', `${email} is added to your clients.`)
    assert.lengthOf(await Client.query().where('email', email), 2)
  })

  test('the form pages render', async ({ client }) => {
    const { user, tenant } = await createUser()
    const saved = await tenant.related('clients').create({ email: uniqueEmail(), fullName: 'Ed' })

    const create = await client.get('/clients/create').loginAs(user)
    create.assertStatus(200)
    create.assertTextIncludes('Add a client')

    const edit = await client.get(`/clients/${saved.id}/edit`).loginAs(user)
    edit.assertStatus(200)
    edit.assertTextIncludes(saved.email)
  })
})

test.group('Clients: edit and delete', () => {
  test('saves changes; keeping its own email is not a duplicate', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const saved = await tenant.related('clients').create({
      email: uniqueEmail(),
      fullName: 'Old',
      comment: 'Old comment',
    })

    const response = await putForm(client, `/clients/${saved.id}`, {
      email: saved.email.toUpperCase(),
      fullName: 'New Name',
      comment: '',
    }).loginAs(user)

    response.assertFlashMessage('success', `${saved.email} is saved.`)
    await saved.refresh()
    assert.equal(saved.fullName, 'New Name')
    assert.isNull(saved.comment)
  })

  test('refuses another client’s email of the same workspace', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const taken = await tenant.related('clients').create({ email: uniqueEmail(), fullName: 'A' })
    const saved = await tenant.related('clients').create({ email: uniqueEmail(), fullName: 'B' })

    const response = await putForm(client, `/clients/${saved.id}`, {
      email: taken.email,
      fullName: 'B',
    }).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      email: ['A client with this email already exists in your workspace'],
    })
    const unchanged = await Client.findOrFail(saved.id)
    assert.equal(unchanged.email, saved.email)
  })

  test('deletes a client and goes back to the list as it was', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const saved = await tenant.related('clients').create({ email: uniqueEmail(), fullName: 'X' })

    const response = await deleteForm(client, `/clients/${saved.id}`)
      .header('referer', '/clients?q=x&sort=email&dir=asc')
      .loginAs(user)

    response.assertHeader('location', '/clients?q=x&sort=email&dir=asc')
    response.assertFlashMessage('success', `${saved.email} is deleted.`)
    assert.isNull(await Client.find(saved.id))
  })

  test('bulk deletes the selected clients', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const [first, second, kept] = await tenant.related('clients').createMany([
      { email: uniqueEmail(), fullName: '1' },
      { email: uniqueEmail(), fullName: '2' },
      { email: uniqueEmail(), fullName: '3' },
    ])

    const response = await postForm(client, '/clients/bulk-delete', {
      ids: [first.id, second.id],
    }).loginAs(user)

    response.assertFlashMessage('success', '2 clients are deleted.')
    const left = await tenant.related('clients').query()
    assert.deepEqual(
      left.map((row) => row.id),
      [kept.id]
    )
  })

  test('bulk delete takes a whole page of ticked clients, as a browser posts them', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const clients = await tenant
      .related('clients')
      .createMany(
        Array.from({ length: 50 }, (_, i) => ({ email: `page-${i}@example.com`, fullName: `${i}` }))
      )
    // A browser repeats the field once per ticked box: 50 of them (the
    // form parser used to turn more than 20 into an object, refused).
    const body = clients.map((row) => `ids=${row.id}`).join('&')
    const response = await postForm(client, '/clients/bulk-delete')
      .header('content-type', 'application/x-www-form-urlencoded')
      .form(body)
      .loginAs(user)

    response.assertFlashMessage('success', '50 clients are deleted.')
    assert.lengthOf(await tenant.related('clients').query(), 0)
  })

  test("a deleted client's deliveries stay in the log, no longer linked to it", async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [gone, kept] = await createClients(tenant, 2)
    const mailing = await createMailing(tenant)
    const run = await StartRun.handle(mailing, mailing.startAt, { dispatch: false })

    await postForm(client, '/clients/bulk-delete', { ids: [gone.id] }).loginAs(user)

    const deliveries = await Delivery.query().where('run_id', run!.id).orderBy('id')
    assert.deepEqual(
      deliveries.map((delivery) => [delivery.email, delivery.clientId]),
      [
        [gone.email, null],
        [kept.email, kept.id],
      ]
    )
  })

  test('bulk delete needs a selection', async ({ client }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/clients/bulk-delete', {}).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', { ids: ['Select at least one client'] })
  })
})

test.group('Clients: another workspace’s clients are out of reach', () => {
  test('edit, update and delete answer 404 and change nothing', async ({ client, assert }) => {
    const owner = await createUser()
    const intruder = await createUser()
    const target = await owner.tenant
      .related('clients')
      .create({ email: uniqueEmail(), fullName: 'Target', comment: 'Private' })

    const edit = await client.get(`/clients/${target.id}/edit`).loginAs(intruder.user)
    edit.assertStatus(404)
    assert.notInclude(edit.text(), target.email)

    const update = await putForm(client, `/clients/${target.id}`, {
      email: uniqueEmail(),
      fullName: 'Hacked',
    }).loginAs(intruder.user)
    update.assertStatus(404)

    const destroy = await deleteForm(client, `/clients/${target.id}`).loginAs(intruder.user)
    destroy.assertStatus(404)

    const untouched = await Client.findOrFail(target.id)
    assert.equal(untouched.fullName, 'Target')
    assert.equal(untouched.email, target.email)
  })

  test('bulk delete ignores ids of another workspace', async ({ client, assert }) => {
    const owner = await createUser()
    const intruder = await createUser()
    const foreign = await owner.tenant
      .related('clients')
      .create({ email: uniqueEmail(), fullName: 'Foreign' })
    const own = await intruder.tenant
      .related('clients')
      .create({ email: uniqueEmail(), fullName: 'Own' })

    const mixed = await postForm(client, '/clients/bulk-delete', {
      ids: [foreign.id, own.id],
    }).loginAs(intruder.user)
    mixed.assertFlashMessage('success', '1 client is deleted.')

    const onlyForeign = await postForm(client, '/clients/bulk-delete', {
      ids: [foreign.id],
    }).loginAs(intruder.user)
    onlyForeign.assertFlashMessage('error', 'None of the selected clients exists any more.')

    assert.isNotNull(await Client.find(foreign.id))
    assert.isNull(await Client.find(own.id))
  })

  test('the search, list and export never show them', async ({ client, assert }) => {
    const owner = await createUser()
    const intruder = await createUser()
    const email = uniqueEmail('private')
    await owner.tenant.related('clients').create({ email, fullName: 'Private Person' })

    const search = await client.get('/clients/search').qs({ q: 'private' }).loginAs(intruder.user)
    search.assertStatus(200)
    search.assertBody([])

    const list = await client.get('/clients').qs({ q: 'private' }).loginAs(intruder.user)
    assert.notInclude(list.text(), email)

    const csv = await client.get('/clients/export').qs({ q: 'private' }).loginAs(intruder.user)
    assert.notInclude(csv.text(), email)
  })

  test('guests are sent to the log-in page', async ({ client }) => {
    for (const path of ['/clients', '/clients/search', '/clients/import', '/clients/export']) {
      const response = await client.get(path).redirects(0)
      response.assertStatus(302)
      response.assertHeader('location', '/login')
    }
  })
})

test.group('Clients: search for the mailing form', () => {
  test('answers [{ id, email, fullName }], at most 20, by email', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    await insertClients(
      tenant,
      Array.from({ length: 25 }, (_, index) => ({
        email: `buyer${String(index).padStart(2, '0')}@shop.example`,
        fullName: `Buyer ${index}`,
      }))
    )
    await insertClients(tenant, [{ email: 'zed@example.com', fullName: 'Shop Owner' }])

    const response = await client.get('/clients/search').qs({ q: 'buyer' }).loginAs(user)
    response.assertStatus(200)
    const body = response.body() as { id: number; email: string; fullName: string }[]
    assert.lengthOf(body, 20)
    assert.deepEqual(Object.keys(body[0]).sort(), ['email', 'fullName', 'id'])
    assert.equal(body[0].email, 'buyer00@shop.example')
    assert.equal(body[0].fullName, 'Buyer 0')
    assert.equal(body[19].email, 'buyer19@shop.example')

    // The name matches too.
    const byName = await client.get('/clients/search').qs({ q: 'shop owner' }).loginAs(user)
    assert.deepEqual(
      (byName.body() as { email: string }[]).map((row) => row.email),
      ['zed@example.com']
    )

    // Nothing typed yet: the first 20 by email.
    const empty = await client.get('/clients/search').loginAs(user)
    assert.lengthOf(empty.body(), 20)
  })
})
