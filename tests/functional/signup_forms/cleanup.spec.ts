import { test } from '@japa/runner'
import { DateTime } from 'luxon'
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
})
