import type { SMTPServerOptions } from 'smtp-server'
import { DateTime } from 'luxon'
import type Tenant from '#models/tenant'
import AddSendingDomain from '#actions/sending_domains/add_sending_domain'
import WorkspaceSmtpServer from '#models/workspace_smtp_server'
import { TestSmtpServer } from '#tests/helpers/smtp_server'
import { freePort } from '#tests/helpers/net'
import { ownerActorOf } from '#tests/helpers/actors'

/**
 * A workspace's own SMTP server saved straight in the table (the settings
 * form has its own tests): by default a plain server on this machine.
 */
export function saveOwnServer(tenant: Tenant, fields: Partial<WorkspaceSmtpServer> = {}) {
  return WorkspaceSmtpServer.create({
    tenantId: tenant.id,
    host: '127.0.0.1',
    port: 25,
    tlsMode: 'none',
    username: null,
    password: null,
    poolSize: 1,
    sendRate: null,
    version: 1,
    ...fields,
  })
}

/**
 * A test SMTP server on a free port that requires a login (offered on the
 * plain connection: no TLS in tests) and accepts it or refuses it with
 * "Invalid credentials". `logins` lists what it was given ("user:pass").
 * `options` on top (TLS, for one).
 */
export async function startServerWithLogin(
  accept: boolean,
  options: Partial<SMTPServerOptions> = {}
) {
  const server = new TestSmtpServer(await freePort())
  const logins: string[] = []
  await server.start({
    ...options,
    authOptional: false,
    allowInsecureAuth: true,
    onAuth: (auth, _session, callback) => {
      logins.push(`${auth.username}:${auth.password}`)
      if (!accept) return callback(new Error('Invalid credentials'))
      callback(null, { user: auth.username })
    },
  })
  return { server, logins }
}

let domains = 0

/**
 * Gives the workspace a From address on a domain of its own, marked
 * verified straight in the table (the checks against DNS have their own
 * tests): what its own SMTP server needs to send. Returns the domain, whose
 * DKIM public key a test DNS server can publish.
 */
export async function verifiedSender(tenant: Tenant, local = 'news') {
  domains += 1
  const name = `own-${Date.now().toString(36)}${domains}.example`
  tenant.merge({ senderName: tenant.name, senderEmail: `${local}@${name}` })
  await tenant.save()
  const domain = await AddSendingDomain.handle(await ownerActorOf(tenant), tenant, name)
  domain.verifiedAt = DateTime.now()
  await domain.save()
  return domain
}
