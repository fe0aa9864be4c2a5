import { test } from '@japa/runner'
import Suppression from '#models/suppression'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { createUser } from '#tests/helpers/users'

test.group('Suppressions: SuppressAddress', () => {
  test('adds an address once, lower-cased, and says so only the first time', async ({ assert }) => {
    const { tenant } = await createUser()
    const entry = { tenantId: tenant.id, reason: 'manual' as const, source: 'test' }

    assert.isTrue(await SuppressAddress.handle({ ...entry, email: ' Ada@Example.COM ' }))
    assert.isFalse(await SuppressAddress.handle({ ...entry, email: 'ada@example.com' }))

    const rows = await Suppression.query().where('tenant_id', tenant.id)
    assert.deepEqual(
      rows.map((row) => [row.email, row.reason]),
      [['ada@example.com', 'manual']]
    )
  })

  test('a stronger reason replaces a weaker one, never the other way round', async ({ assert }) => {
    const { tenant } = await createUser()
    const email = 'bob@example.com'
    const reasonNow = async () => {
      const entry = await Suppression.query().where({ tenantId: tenant.id, email }).firstOrFail()
      return entry.reason
    }

    await SuppressAddress.handle({
      tenantId: tenant.id,
      email,
      reason: 'unsubscribed',
      source: 'unsubscribe',
    })
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email,
      reason: 'complaint',
      source: 'arf',
      detail: 'abuse',
    })
    assert.equal(await reasonNow(), 'complaint')
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email,
      reason: 'hard_bounce',
      source: 'smtp',
    })
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email,
      reason: 'unsubscribed',
      source: 'unsubscribe',
    })
    assert.equal(await reasonNow(), 'complaint')
  })

  test('simultaneous calls make one entry and one of them says it is new', async ({ assert }) => {
    const { tenant } = await createUser()
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        SuppressAddress.handle({
          tenantId: tenant.id,
          email: 'carol@example.com',
          reason: 'hard_bounce',
          source: 'dsn',
        })
      )
    )
    assert.equal(results.filter(Boolean).length, 1)
    assert.lengthOf(await Suppression.query().where('tenant_id', tenant.id), 1)
  })

  test('workspaces keep their own lists', async ({ assert }) => {
    const a = await createUser()
    const b = await createUser()
    const email = 'dan@example.com'
    assert.isTrue(
      await SuppressAddress.handle({
        tenantId: a.tenant.id,
        email,
        reason: 'manual',
        source: 'test',
      })
    )
    assert.isTrue(
      await SuppressAddress.handle({
        tenantId: b.tenant.id,
        email,
        reason: 'manual',
        source: 'test',
      })
    )
  })
})
