import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import ListClients from '#actions/clients/list_clients'
import type Tenant from '#models/tenant'
import type { ClientSort, SortDirection } from '#validators/client'
import { createUser } from '#tests/helpers/users'
import { emailsInList, insertClients, linkWithRel } from '#tests/functional/clients/helpers'

const NAMES = ['', 'Same Name', 'Zed']
const TIMES = ['2026-03-01 09:00:00', '2026-03-02 09:00:00']

/**
 * 130 clients with many ties: three names, two creation times.
 */
async function tenantWithTies() {
  const { user, tenant } = await createUser()
  await insertClients(
    tenant,
    Array.from({ length: 130 }, (_, index) => ({
      email: `tie-${String((index * 37) % 130).padStart(3, '0')}@example.com`,
      fullName: NAMES[index % NAMES.length],
      createdAt: TIMES[index % TIMES.length],
    }))
  )
  return { user, tenant }
}

/**
 * The order the list must show: by the sort column, then by id.
 */
async function expectedOrder(tenant: Tenant, sort: ClientSort, dir: SortDirection) {
  const column = { email: 'email', name: 'full_name', created: 'created_at' }[sort]
  const rows = await db
    .from('clients')
    .where('tenant_id', tenant.id)
    .orderBy(column, dir)
    .orderBy('id', dir)
    .select('email')
  return rows.map((row) => row.email as string)
}

test.group('Clients: keyset pagination', () => {
  for (const sort of ['email', 'name', 'created'] as const) {
    for (const dir of ['asc', 'desc'] as const) {
      test(`walks every page by ${sort} ${dir}, forward and back, without gaps or repeats`, async ({
        assert,
      }) => {
        const { tenant } = await tenantWithTies()
        const expected = await expectedOrder(tenant, sort, dir)

        const forward: string[][] = []
        let page = await ListClients.handle(tenant, { sort, dir, perPage: 20 })
        assert.isTrue(page.isFirstPage)
        assert.isNull(page.previousCursor)
        forward.push(page.clients.map((client) => client.email))
        while (page.nextCursor) {
          page = await ListClients.handle(tenant, {
            sort,
            dir,
            perPage: 20,
            after: page.nextCursor,
          })
          assert.isFalse(page.isFirstPage)
          forward.push(page.clients.map((client) => client.email))
        }
        assert.deepEqual(forward.flat(), expected)
        assert.lengthOf(forward, 7)

        const backward: string[][] = [page.clients.map((client) => client.email)]
        while (page.previousCursor) {
          page = await ListClients.handle(tenant, {
            sort,
            dir,
            perPage: 20,
            before: page.previousCursor,
          })
          backward.unshift(page.clients.map((client) => client.email))
        }
        assert.isTrue(page.isFirstPage)
        assert.deepEqual(backward, forward)
      })
    }
  }

  test('a search keeps its filter from page to page', async ({ assert }) => {
    const { tenant } = await tenantWithTies()
    const everyone = await expectedOrder(tenant, 'email', 'asc')
    const expected = everyone.filter((email) => email.includes('-1'))

    const seen: string[] = []
    let after: string | undefined
    do {
      const page = await ListClients.handle(tenant, { q: '-1', sort: 'email', perPage: 7, after })
      seen.push(...page.clients.map((client) => client.email))
      after = page.nextCursor ?? undefined
    } while (after)
    assert.deepEqual(seen, expected)
  })

  test('a cursor from another sort, or garbage, shows the first page', async ({ assert }) => {
    const { tenant } = await tenantWithTies()
    const byEmail = await ListClients.handle(tenant, { sort: 'email', perPage: 10 })
    const first = await ListClients.handle(tenant, { sort: 'name', perPage: 10 })

    for (const after of [byEmail.nextCursor!, 'not-a-cursor', 'W10', '%%%']) {
      const page = await ListClients.handle(tenant, { sort: 'name', perPage: 10, after })
      assert.isTrue(page.isFirstPage)
      assert.deepEqual(
        page.clients.map((client) => client.id),
        first.clients.map((client) => client.id)
      )
    }
  })

  test('the list page links to the next and previous pages, 50 a page', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await insertClients(
      tenant,
      Array.from({ length: 120 }, (_, index) => ({
        email: `page-${String(index).padStart(3, '0')}@example.com`,
        fullName: `Client ${index}`,
      }))
    )

    const first = await client.get('/clients').qs({ sort: 'email', dir: 'asc' }).loginAs(user)
    const firstHtml = first.text()
    assert.lengthOf(emailsInList(firstHtml), 50)
    assert.equal(emailsInList(firstHtml)[0], 'page-000@example.com')
    assert.isNull(linkWithRel(firstHtml, 'prev'))
    const secondUrl = linkWithRel(firstHtml, 'next')!
    assert.include(secondUrl, 'sort=email')

    const second = await client.get(secondUrl).loginAs(user)
    const secondHtml = second.text()
    assert.equal(emailsInList(secondHtml)[0], 'page-050@example.com')
    assert.include(secondHtml, '« First page')

    const third = await client.get(linkWithRel(secondHtml, 'next')!).loginAs(user)
    const thirdHtml = third.text()
    assert.lengthOf(emailsInList(thirdHtml), 20)
    assert.equal(emailsInList(thirdHtml)[19], 'page-119@example.com')
    assert.isNull(linkWithRel(thirdHtml, 'next'))

    const back = await client.get(linkWithRel(thirdHtml, 'prev')!).loginAs(user)
    assert.deepEqual(emailsInList(back.text()), emailsInList(secondHtml))
  })
})
