import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { Job } from '@rlanz/bull-queue'
import Client from '#models/client'
import Consent from '#models/consent'
import type Tenant from '#models/tenant'
import type SignupForm from '#models/signup_form'
import QueueWorker from '#services/queue/worker'
import PurgeUnconfirmedSignups from '#actions/signup_forms/purge_unconfirmed_signups'
import signupFormsConfig from '#config/signup_forms'
import { sqlTime } from '#services/database/sql_time'
import { createUser } from '#tests/helpers/users'
import { createMailing } from '#tests/helpers/workspace'
import StartRun from '#sending/start_run'
import { createSignupForm, visitorEmail } from './helpers.js'

const daysAgo = (days: number) => DateTime.utc().minus({ days })

/**
 * A sign-up as RecordSignup leaves it, made `days` ago: the consent, and a
 * pending client when the address was new.
 */
async function signup(
  tenant: Tenant,
  form: SignupForm,
  email: string,
  days: number,
  { newClient = true, confirmed = false } = {}
) {
  const client = newClient
    ? await tenant.related('clients').create({ email, pendingAt: daysAgo(days) })
    : await Client.findByOrFail({ tenantId: tenant.id, email })
  const consent = await Consent.create({
    tenantId: tenant.id,
    signupFormId: form.id,
    clientId: client.id,
    email,
    ip: '203.0.113.9',
    userAgent: 'Mozilla/5.0 (Robot)',
    consentText: form.consentText,
    submitted: { fullName: 'Typed Name', attributes: {} },
    confirmedAt: confirmed ? daysAgo(days).plus({ hours: 1 }) : null,
  })
  await db
    .from('consents')
    .where('id', consent.id)
    .update({ created_at: sqlTime(daysAgo(days)) })
  return { client, consent }
}

/**
 * The daily job as the worker runs it: resolved through the job registry
 * by its stored name, given a logger as the worker gives one.
 */
async function runCleanupJob() {
  const JobClass = await QueueWorker.resolve('purge_unconfirmed_signups')
  const job = new JobClass() as Job & { handle(): Promise<void> }
  job.$injectInternal({ job: { id: 'test' } as any, logger })
  await job.handle()
}

async function exists(table: 'clients' | 'consents', id: number) {
  return Boolean(await db.from(table).where('id', id).first())
}

test.group('Sign-up forms: unconfirmed sign-ups are not kept', () => {
  test('the daily job deletes expired pending clients and never-confirmed consents, nothing else', async ({
    assert,
  }) => {
    assert.isAbove(signupFormsConfig.unconfirmedKeptHours, signupFormsConfig.confirmationTtlHours)
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const other = await createUser()
    const otherForm = await createSignupForm(other.tenant)

    // A robot's sign-up of 8 days ago: gone, with its consent.
    const robot = await signup(tenant, form, visitorEmail('robot'), 8)
    const theirRobot = await signup(other.tenant, otherForm, visitorEmail('robot'), 9)
    // Yesterday's: its link still works (or just died): kept.
    const recent = await signup(tenant, form, visitorEmail('recent'), 1)
    // Pending since 10 days, signed up again yesterday: waits for the new link.
    const again = visitorEmail('again')
    const first = await signup(tenant, form, again, 10)
    const second = await signup(tenant, form, again, 1, { newClient: false })
    // A subscribed client who signed up again and never clicked: the client
    // stays, the unconfirmed consent (IP, browser, answers) goes.
    const member = await tenant.related('clients').create({ email: visitorEmail('member') })
    await member.merge({ createdAt: daysAgo(30) }).save()
    const memberSignup = await signup(tenant, form, member.email, 8, { newClient: false })
    // Confirmed long ago: the record of consent stays, and so does the client.
    const confirmed = await signup(tenant, form, visitorEmail('confirmed'), 20, {
      confirmed: true,
    })
    await confirmed.client.merge({ pendingAt: null }).save()
    // Unsubscribed and old: not a sign-up's to remove.
    const gone = await tenant.related('clients').create({
      email: visitorEmail('gone'),
      unsubscribedAt: daysAgo(40),
    })

    await runCleanupJob()

    assert.isFalse(await exists('clients', robot.client.id))
    assert.isFalse(await exists('consents', robot.consent.id))
    assert.isFalse(await exists('clients', theirRobot.client.id))
    assert.isFalse(await exists('consents', theirRobot.consent.id))
    assert.isTrue(await exists('clients', recent.client.id))
    assert.isTrue(await exists('consents', recent.consent.id))
    assert.isTrue(await exists('clients', first.client.id))
    assert.isFalse(await exists('consents', first.consent.id), 'its own link died long ago')
    assert.isTrue(await exists('consents', second.consent.id))
    assert.isTrue(await exists('clients', member.id))
    assert.isFalse(await exists('consents', memberSignup.consent.id))
    assert.isTrue(await exists('clients', confirmed.client.id))
    assert.isTrue(await exists('consents', confirmed.consent.id))
    assert.isTrue(await exists('clients', gone.id))

    // Run again: nothing more to delete, nothing else touched.
    assert.deepEqual(await PurgeUnconfirmedSignups.handle(), { clients: 0, consents: 0 })
    await runCleanupJob()
    assert.isTrue(await exists('clients', recent.client.id))
    assert.isTrue(await exists('consents', second.consent.id))
  })

  test('deletes in chunks until none is left', async ({ assert }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const robots = []
    for (let i = 0; i < 7; i++) robots.push(await signup(tenant, form, visitorEmail('bot'), 8))
    const kept = await signup(tenant, form, visitorEmail('kept'), 2)

    const purged = await PurgeUnconfirmedSignups.handle({ chunk: 2 })

    assert.isAtLeast(purged.clients, 7)
    assert.isAtLeast(purged.consents, 7)
    for (const robot of robots) {
      assert.isFalse(await exists('clients', robot.client.id))
      assert.isFalse(await exists('consents', robot.consent.id))
    }
    assert.isTrue(await exists('clients', kept.client.id))
    assert.isTrue(await exists('consents', kept.consent.id))
  })
  test('a pending client whose consent was confirmed (suppressed after the sign-up) is kept, linked to its consent', async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    // ConfirmSignup confirms the consent but leaves a suppressed client pending.
    const suppressed = await signup(tenant, form, visitorEmail('suppressed'), 20, {
      confirmed: true,
    })
    const robot = await signup(tenant, form, visitorEmail('robot'), 8)

    await PurgeUnconfirmedSignups.handle()

    assert.isFalse(await exists('clients', robot.client.id))
    assert.isTrue(await exists('clients', suppressed.client.id))
    await suppressed.consent.refresh()
    assert.equal(suppressed.consent.clientId, suppressed.client.id)
  })

  test("a purged client's deliveries stay in the log, no longer linked to it", async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    const member = await tenant.related('clients').create({ email: visitorEmail('member') })
    const run = await StartRun.handle(
      await createMailing(tenant),
      DateTime.utc().minus({ minutes: 1 }),
      { dispatch: false }
    )
    const robot = await signup(tenant, form, visitorEmail('robot'), 8)
    // As a run that copied the id (on PostgreSQL no foreign key keeps it out).
    await db.table('deliveries').insert({
      run_id: run!.id,
      tenant_id: tenant.id,
      client_id: robot.client.id,
      email: robot.client.email,
      full_name: '',
      status: 'skipped',
      created_at: sqlTime(),
    })

    await PurgeUnconfirmedSignups.handle()

    const links = await db
      .from('deliveries')
      .where('run_id', run!.id)
      .orderBy('id')
      .select('email', 'client_id')
    assert.deepEqual(
      links.map((row) => [row.email, row.client_id === null ? null : Number(row.client_id)]),
      [
        [member.email, member.id],
        [robot.client.email, null],
      ]
    )
  })

  test("the clean-up finds its rows by the partial indexes; SQLite finds a deleted client's deliveries by index", async ({
    assert,
  }) => {
    if (db.connection().dialect.name === 'postgres') return
    const { tenant } = await createUser()
    const form = await createSignupForm(tenant)
    await signup(tenant, form, visitorEmail('robot'), 8)

    // The clean-up's SELECTs, as Lucid reports them when debugging.
    const selects: { sql: string; bindings: unknown[] }[] = []
    const listener = (query: { sql: string; bindings?: unknown[] }) => {
      if (/^select/i.test(query.sql))
        selects.push({ sql: query.sql, bindings: query.bindings ?? [] })
    }
    const connection = db.manager.get(db.primaryConnectionName)!.config
    connection.debug = true
    emitter.on('db:query', listener)
    try {
      await PurgeUnconfirmedSignups.handle()
    } finally {
      connection.debug = false
      emitter.off('db:query', listener)
    }
    const plan = async (sql: string, bindings: unknown[]) => {
      const rows = await db.rawQuery(`EXPLAIN QUERY PLAN ${sql}`, bindings as any[])
      return (rows as { detail: string }[]).map((row) => row.detail).join('\n')
    }
    const chunkOf = (table: string) =>
      selects.find((query) =>
        new RegExp(`^select .id. from .${table}. where`, 'i').test(query.sql)
      )!
    const clients = chunkOf('clients')
    const consents = chunkOf('consents')
    assert.match(await plan(clients.sql, clients.bindings), /clients_pending_at_index/)
    assert.match(
      await plan(consents.sql, consents.bindings),
      /consents_unconfirmed_created_at_index/
    )
    assert.match(
      await plan('UPDATE deliveries SET client_id = NULL WHERE client_id = ?', [1]),
      /deliveries_client_id_index/
    )
  })
})
