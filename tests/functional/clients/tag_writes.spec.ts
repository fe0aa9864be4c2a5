import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import UpsertClients from '#actions/clients/upsert_clients'
import { findOrCreateTags, MAX_TAGS_PER_WORKSPACE, TagLimitError } from '#audiences/client_tags'
import { createUser } from '#tests/helpers/users'
import { sqlTime } from '#services/database/sql_time'

const postgres = () => db.connection().dialect.name === 'postgres'

test.group('Tags: writes that hold together', () => {
  test('a failed batch of the bulk upsert leaves no client without its tags', async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    const [deleted] = await tenant.related('tags').createMany([{ name: 'Gone', nameKey: 'gone' }])
    await deleted.delete()

    // The tag was deleted between the lookup of its name and the write.
    await assert.rejects(() =>
      UpsertClients.handle(tenant, [
        { email: 'new@example.com', fullName: 'New', addTagIds: [deleted.id] },
      ])
    )
    assert.lengthOf(await tenant.related('clients').query(), 0)
  })

  test('two requests creating tags at once never pass the workspace limit (PostgreSQL)', async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    const now = sqlTime()
    await db.table('tags').multiInsert(
      Array.from({ length: MAX_TAGS_PER_WORKSPACE - 1 }, (_, index) => ({
        tenant_id: tenant.id,
        name: `tag ${index}`,
        name_key: `tag ${index}`,
        is_topic: false,
        created_at: now,
        updated_at: now,
      }))
    )

    // The first creates the last tag the workspace may have, and has not
    // committed when the second asks for another.
    const first = await db.transaction()
    await findOrCreateTags(tenant.id, ['First'], first)
    let settled = false
    const second = db
      .transaction((trx) => findOrCreateTags(tenant.id, ['Second'], trx))
      .finally(() => (settled = true))
    second.catch(() => {})
    // Commit once the second has counted (without a lock) or waits for the lock.
    while (!settled && !(await waitsForAdvisoryLock())) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await first.commit()

    await assert.rejects(() => second, TagLimitError)
    const [{ total }] = await db.from('tags').where('tenant_id', tenant.id).count('* as total')
    assert.equal(Number(total), MAX_TAGS_PER_WORKSPACE)
  }).skip(!postgres(), 'SQLite runs one writing transaction at a time')
})

async function waitsForAdvisoryLock() {
  const result = await db.rawQuery(
    `SELECT count(*) AS waiting FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`
  )
  return Number(result.rows[0].waiting) > 0
}
