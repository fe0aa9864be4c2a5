import net from 'node:net'
import { test } from '@japa/runner'
import { selfSignedCertificate } from '#tests/helpers/certificates'
import db from '@adonisjs/lucid/services/db'
import customSmtpConfig from '#config/custom_smtp'
import WorkspaceSmtpServer from '#models/workspace_smtp_server'
import { createUser } from '#tests/helpers/users'
import { deleteForm, postForm, putForm } from '#tests/helpers/forms'
import { saveOwnServer, startServerWithLogin, verifiedSender } from '#tests/helpers/workspace_smtp'
import { freePort } from '#tests/helpers/net'

const SECRET = 'correct-horse-battery-staple'

const validFields = {
  host: 'smtp.example.com',
  port: '587',
  tlsMode: 'starttls',
  username: 'mailer',
  password: SECRET,
  poolSize: '2',
  sendRate: '',
}

/**
 * Runs `callback` with the operator's settings changed, then puts them back.
 */
async function withOperatorSettings<T>(
  changes: Partial<typeof customSmtpConfig>,
  callback: () => Promise<T>
) {
  const before = { ...customSmtpConfig }
  Object.assign(customSmtpConfig, changes)
  try {
    return await callback()
  } finally {
    Object.assign(customSmtpConfig, before)
  }
}

/**
 * A key and a self-signed certificate for localhost, made with openssl: a
 * server no client should trust.
 */
function selfSignedTls() {
  const files = selfSignedCertificate('localhost')
  return { secure: true, ...files }
}

function inputErrors(response: { flashMessages(): any }) {
  return (response.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
}

test.group('Settings → SMTP server: the form', () => {
  test('saving stores the password encrypted and never shows it back', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()

    const saved = await putForm(client, '/settings/smtp', validFields).loginAs(user)
    saved.assertStatus(302)
    assert.match(saved.header('location') ?? '', /\/settings\/smtp$/)

    const server = await WorkspaceSmtpServer.findByOrFail('tenantId', tenant.id)
    assert.equal(server.host, 'smtp.example.com')
    assert.equal(server.port, 587)
    assert.equal(server.tlsMode, 'starttls')
    assert.equal(server.username, 'mailer')
    assert.equal(server.password, SECRET)
    assert.equal(server.poolSize, 2)
    assert.isNull(server.sendRate)
    assert.equal(server.version, 1)
    const row = await db.from('workspace_smtp_servers').where('id', server.id).first()
    assert.notInclude(row.password, SECRET)

    const page = await client.get('/settings/smtp').loginAs(user)
    page.assertStatus(200)
    page.assertTextIncludes('Your mailings go through smtp.example.com:587')
    page.assertTextIncludes('Leave empty to keep it')
    assert.notMatch(page.text(), /@(if|else|end|let|each)\b/)
    assert.notInclude(page.text(), SECRET)
    assert.notInclude(page.text(), row.password)

    // An empty password keeps the saved one; each save is a new version.
    await putForm(client, '/settings/smtp', { ...validFields, password: '', port: '465' }).loginAs(
      user
    )
    await server.refresh()
    assert.equal(server.password, SECRET)
    assert.equal(server.port, 465)
    assert.equal(server.version, 2)

    // A user name needs a password when none is saved.
    await putForm(client, '/settings/smtp', { ...validFields, username: '' }).loginAs(user)
    const refused = await putForm(client, '/settings/smtp', {
      ...validFields,
      password: '',
    }).loginAs(user)
    assert.deepEqual(Object.keys(inputErrors(refused)), ['password'])

    // No user name: no login, so the password goes too.
    await putForm(client, '/settings/smtp', { ...validFields, username: '' }).loginAs(user)
    await server.refresh()
    assert.isNull(server.username)
    assert.isNull(server.password)
  })

  test('refuses {value} as the {field}, beside the field')
    .with([
      { field: 'host', value: 'not a host!', message: 'Enter a host name' },
      { field: 'host', value: '10.0.0.1', message: 'private, loopback, link-local or metadata' },
      { field: 'host', value: '169.254.169.254', message: 'private' },
      { field: 'host', value: '::1', message: 'private' },
      { field: 'host', value: '192.168.1.10', message: 'private' },
      { field: 'host', value: 'localhost', message: 'localhost' },
      { field: 'host', value: 'mail.localhost', message: 'localhost' },
      { field: 'port', value: '0', message: '' },
      { field: 'port', value: '70000', message: '' },
      { field: 'port', value: '8080', message: 'Use one of the mail ports: 25, 465, 587, 2525' },
      { field: 'port', value: 'smtp', message: '' },
      { field: 'tlsMode', value: 'ssl3', message: '' },
      { field: 'poolSize', value: '500', message: '' },
      { field: 'sendRate', value: '0', message: '' },
    ])
    .run(async ({ client, assert }, { field, value, message }) => {
      const { user, tenant } = await createUser()

      // The operator allows nothing private here, as in production.
      const response = await withOperatorSettings({ allowedHosts: [] }, () =>
        putForm(client, '/settings/smtp', { ...validFields, [field]: value }).loginAs(user)
      )

      response.assertStatus(302)
      const errors = inputErrors(response)
      assert.deepEqual(Object.keys(errors), [field], JSON.stringify(errors))
      assert.include(errors[field][0], message)
      assert.isNull(await WorkspaceSmtpServer.findBy('tenantId', tenant.id))

      // The page shows the message beside that field.
      const page = await client
        .get('/settings/smtp')
        .withFlashMessages(response.flashMessages())
        .loginAs(user)
      page.assertTextIncludes(`data-testid="error-${field}"`)
      page.assertTextIncludes(errors[field][0].replaceAll("'", '&#39;'))
    })

  test('a host the operator allows may be private and use any port', async ({ client, assert }) => {
    const { user, tenant } = await createUser()

    const response = await withOperatorSettings({ allowedHosts: ['10.1.2.0/24'] }, () =>
      putForm(client, '/settings/smtp', { ...validFields, host: '10.1.2.3', port: '2526' }).loginAs(
        user
      )
    )

    response.assertStatus(302)
    assert.deepEqual(inputErrors(response), {})
    const server = await WorkspaceSmtpServer.findByOrFail('tenantId', tenant.id)
    assert.equal(server.host, '10.1.2.3')
    assert.equal(server.port, 2526)
  })

  test("another workspace can neither read nor change a workspace's server", async ({
    client,
    assert,
  }) => {
    const owner = await createUser()
    const other = await createUser()
    await saveOwnServer(owner.tenant, {
      host: 'smtp.owner.example',
      username: 'o',
      password: SECRET,
    })

    const page = await client.get('/settings/smtp').loginAs(other.user)
    page.assertStatus(200)
    assert.notInclude(page.text(), 'smtp.owner.example')
    page.assertTextIncludes("Your mailings go through the platform's mail server")

    await putForm(client, '/settings/smtp', { ...validFields, host: 'smtp.other.example' }).loginAs(
      other.user
    )
    await deleteForm(client, '/settings/smtp').loginAs(other.user)

    const owners = await WorkspaceSmtpServer.findByOrFail('tenantId', owner.tenant.id)
    assert.equal(owners.host, 'smtp.owner.example')
    assert.equal(owners.password, SECRET)
    assert.equal(owners.version, 1)
    // The other workspace's save made a row of its own, and its delete removed only that.
    assert.isNull(await WorkspaceSmtpServer.findBy('tenantId', other.tenant.id))
  })

  test('removing the server sends mail through the platform again', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    await saveOwnServer(tenant)

    const response = await deleteForm(client, '/settings/smtp').loginAs(user)
    response.assertStatus(302)
    assert.isNull(await WorkspaceSmtpServer.findBy('tenantId', tenant.id))
  })

  test('the forms need the CSRF token', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    await client.put('/settings/smtp').form(validFields).redirects(0).loginAs(user)
    assert.isNull(await WorkspaceSmtpServer.findBy('tenantId', tenant.id))
  })

  test('ALLOW_CUSTOM_SMTP=false: the page says so and saves nothing', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await saveOwnServer(tenant, { host: 'smtp.kept.example' })

    await withOperatorSettings({ enabled: false }, async () => {
      const page = await client.get('/settings/smtp').loginAs(user)
      page.assertStatus(200)
      page.assertTextIncludes("The operator has turned off workspaces' own SMTP servers")
      page.assertTextIncludes('the settings saved here are not used')
      assert.notInclude(page.text(), 'data-testid="smtp-form"')

      const saved = await putForm(client, '/settings/smtp', validFields).loginAs(user)
      assert.include(saved.flashMessages().error, 'turned off')
      const tested = await postForm(client, '/settings/smtp/test').loginAs(user)
      assert.include(tested.flashMessages().error, 'turned off')
    })
    const server = await WorkspaceSmtpServer.findByOrFail('tenantId', tenant.id)
    assert.equal(server.host, 'smtp.kept.example')
  })
})

test.group('Settings → SMTP server: send a test', () => {
  async function testSend(client: any, user: any) {
    const response = await postForm(client, '/settings/smtp/test').loginAs(user)
    response.assertStatus(302)
    const result = response.flashMessages().smtpTest as any
    // The page the redirect leads to, with what was flashed.
    const page = await client
      .get('/settings/smtp')
      .withFlashMessages(response.flashMessages())
      .loginAs(user)
    return { result, page, response }
  }

  test('a working server: the message arrives as mailings will, and the page shows its answer', async ({
    client,
    assert,
  }) => {
    const { server, logins } = await startServerWithLogin(true)
    try {
      const { user, tenant } = await createUser()
      const domain = await verifiedSender(tenant)
      await saveOwnServer(tenant, { port: server.port, username: 'mailer', password: SECRET })

      const { result, page } = await testSend(client, user)
      assert.isTrue(result.ok, JSON.stringify(result))
      assert.match(result.reply, /^250 /)
      assert.deepEqual(logins, [`mailer:${SECRET}`])
      const mail = await server.waitForMailTo(user.email)
      assert.include(mail.parsed.subject ?? '', 'SMTP server')
      // The sender of real sending through this server (send_batch.ts):
      // From and MAIL FROM the workspace's verified address, DKIM-signed.
      assert.deepEqual(mail.parsed.from?.value, [
        { name: tenant.name, address: tenant.senderEmail! },
      ])
      assert.equal(mail.from, tenant.senderEmail)
      assert.deepEqual(mail.to, [user.email])
      assert.match(mail.raw, new RegExp(`^DKIM-Signature:[^]*?\\bd=${domain.domain};`, 'm'))

      page.assertTextIncludes('The test message was accepted')
      page.assertTextIncludes(result.reply)
      assert.notInclude(page.text(), SECRET)
    } finally {
      await server.stop()
    }
  })

  test('without a verified domain nothing is sent: the page says why, as the paused mailing would', async ({
    client,
    assert,
  }) => {
    const { server } = await startServerWithLogin(true)
    try {
      const { user, tenant } = await createUser()
      await saveOwnServer(tenant, { port: server.port, username: 'mailer', password: SECRET })

      const before = await client.get('/settings/smtp').loginAs(user)
      before.assertTextIncludes('data-testid="smtp-sender-unverified"')
      before.assertTextIncludes('Settings → Sending')

      const { result, page } = await testSend(client, user)
      assert.isFalse(result.ok)
      assert.equal(result.kind, 'sender')
      assert.include(result.detail, 'Settings → Sending')
      page.assertTextIncludes('data-kind="sender"')
      page.assertTextIncludes('no verified sender')
      assert.lengthOf(server.received, 0)

      await verifiedSender(tenant)
      const after = await client.get('/settings/smtp').loginAs(user)
      assert.notInclude(after.text(), 'data-testid="smtp-sender-unverified"')
    } finally {
      await server.stop()
    }
  })

  test('a test reports the failure: {$self}')
    .with([
      'refused',
      'timeout',
      'auth',
      'tls (STARTTLS required, not offered)',
      'tls (implicit TLS on a plain server)',
      'tls (a self-signed certificate)',
      'private (a name resolving to loopback)',
      'private (a literal metadata address)',
    ])
    .run(async ({ client, assert }, name) => {
      const kind = name.split(' ')[0]
      const { user, tenant } = await createUser()
      await verifiedSender(tenant)
      const selfSigned = name.includes('self-signed')
      let port = await freePort()
      const cleanup: (() => Promise<void>)[] = []
      let allowedHosts = customSmtpConfig.allowedHosts

      if (name === 'refused') {
        await saveOwnServer(tenant, { port })
      } else if (name === 'timeout') {
        // Accepts the connection, never greets.
        const silent = net.createServer(() => {})
        await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve))
        cleanup.push(() => new Promise((resolve) => silent.close(() => resolve())))
        await saveOwnServer(tenant, { port })
      } else {
        const { server } = await startServerWithLogin(false, selfSigned ? selfSignedTls() : {})
        port = server.port
        cleanup.push(() => server.stop())
        if (kind === 'auth') await saveOwnServer(tenant, { port, username: 'u', password: 'wrong' })
        if (name.includes('STARTTLS')) await saveOwnServer(tenant, { port, tlsMode: 'starttls' })
        if (selfSigned) await saveOwnServer(tenant, { port, tlsMode: 'implicit' })
        if (name.includes('implicit')) await saveOwnServer(tenant, { port, tlsMode: 'implicit' })
        if (name.includes('loopback')) {
          allowedHosts = []
          await saveOwnServer(tenant, { host: 'localhost', port })
        }
        if (name.includes('metadata')) {
          allowedHosts = []
          await saveOwnServer(tenant, { host: '169.254.169.254', port: 25 })
        }
      }

      try {
        const { result, page } = await withOperatorSettings({ allowedHosts }, () =>
          testSend(client, user)
        )
        assert.isFalse(result.ok)
        assert.equal(result.kind, kind, JSON.stringify(result))
        page.assertTextIncludes(`data-kind="${kind}"`)
        if (kind === 'auth') assert.include(result.detail, 'Invalid credentials')
        if (selfSigned) assert.include(result.detail, 'self-signed')
        if (kind === 'private') {
          // The address a name resolved to is never named.
          assert.notInclude(result.detail, '127.0.0.1')
          assert.notInclude(result.detail, '::1')
        }
      } finally {
        for (const stop of cleanup) await stop()
      }
    })
    .timeout(30_000)

  test('tests are limited per workspace', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    await verifiedSender(tenant)
    await saveOwnServer(tenant, { port: await freePort() })

    for (let i = 0; i < customSmtpConfig.testsPerWindow; i++) {
      const { result } = await testSend(client, user)
      assert.equal(result.kind, 'refused')
    }
    const { result, response } = await testSend(client, user)
    assert.isUndefined(result)
    assert.include(response.flashMessages().error, 'Please wait')
  })

  test('a test needs a saved server and a confirmed address', async ({ client, assert }) => {
    const { user } = await createUser()
    const first = await postForm(client, '/settings/smtp/test').loginAs(user)
    assert.include(first.flashMessages().error, 'Save your server')

    const unverified = await createUser({ verified: false })
    await saveOwnServer(unverified.tenant)
    const second = await postForm(client, '/settings/smtp/test').loginAs(unverified.user)
    assert.include(second.flashMessages().error, 'Confirm your email address')
  })
})
