import { test } from '@japa/runner'
import customSmtpConfig from '#config/custom_smtp'
import sendingConfig from '#config/sending'
import { campaignTransport } from '#sending/smtp_transport'
import { closeWorkspacePools, openWorkspacePools, takeRoute } from '#sending/send_routes'
import { createUser } from '#tests/helpers/users'
import { saveOwnServer } from '#tests/helpers/workspace_smtp'

/**
 * Whether nodemailer's pool behind a transport was closed (it then drops
 * what it is given, which is why a held pool must never be).
 */
function isClosed(route: { transport: unknown }) {
  return Boolean((route.transport as any).transporter._closed)
}

test.group('Send routes: which transport a batch uses', (group) => {
  group.each.teardown(() => closeWorkspacePools())

  test("the platform's transport without a server of the workspace's own", async ({ assert }) => {
    const { tenant } = await createUser()
    const route = await takeRoute(tenant.id)
    assert.isFalse(route.own)
    assert.isNull(route.rate)
    assert.strictEqual(route.transport, campaignTransport())
    route.release()
  })

  test("the workspace's own pool, shared by its batches, with its rate", async ({ assert }) => {
    const { tenant } = await createUser()
    await saveOwnServer(tenant, { sendRate: 7 })

    const first = await takeRoute(tenant.id)
    const second = await takeRoute(tenant.id)
    assert.isTrue(first.own)
    assert.equal(first.rate, 7)
    assert.strictEqual(first.transport, second.transport)
    assert.notStrictEqual(first.transport, campaignTransport())
    first.release()
    second.release()
  })

  test("a rate saved above the operator's per-workspace rate, since lowered, is cut to it", async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    await saveOwnServer(tenant, { sendRate: 50 })
    const workspaceRate = sendingConfig.workspaceRate
    sendingConfig.workspaceRate = 5
    try {
      const route = await takeRoute(tenant.id)
      assert.equal(route.rate, 5)
      route.release()
    } finally {
      sendingConfig.workspaceRate = workspaceRate
    }
  })

  test('a saved change opens a new pool; the old one closes when its last batch lets go', async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    const server = await saveOwnServer(tenant)
    const before = await takeRoute(tenant.id)

    server.merge({ port: 465, tlsMode: 'implicit', version: 2 })
    await server.save()
    const after = await takeRoute(tenant.id)
    assert.notStrictEqual(after.transport, before.transport)
    assert.isFalse(isClosed(before), 'closed under a batch still sending')

    before.release()
    assert.isTrue(isClosed(before))
    assert.isFalse(isClosed(after))
    after.release()

    // Removed: the platform's again, and the pool goes.
    await server.delete()
    const platform = await takeRoute(tenant.id)
    assert.isFalse(platform.own)
    assert.isTrue(isClosed(after))
  })

  test('at most SMTP_CUSTOM_MAX_POOLS pools stay open: the least recently used unheld one goes', async ({
    assert,
  }) => {
    const maxOpenPools = customSmtpConfig.maxOpenPools
    customSmtpConfig.maxOpenPools = 2
    try {
      const routes = []
      for (let i = 0; i < 3; i++) {
        const { tenant } = await createUser()
        await saveOwnServer(tenant)
        const route = await takeRoute(tenant.id)
        route.release()
        routes.push(route)
      }
      assert.equal(openWorkspacePools(), 2)
      assert.isTrue(isClosed(routes[0]))
      assert.isFalse(isClosed(routes[2]))
    } finally {
      customSmtpConfig.maxOpenPools = maxOpenPools
    }
  })

  test('ALLOW_CUSTOM_SMTP=false: always the platform', async ({ assert }) => {
    const { tenant } = await createUser()
    await saveOwnServer(tenant)
    customSmtpConfig.enabled = false
    try {
      const route = await takeRoute(tenant.id)
      assert.isFalse(route.own)
      assert.strictEqual(route.transport, campaignTransport())
    } finally {
      customSmtpConfig.enabled = true
    }
  })
})
