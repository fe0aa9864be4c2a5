import { test } from '@japa/runner'
import { writeFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DateTime } from 'luxon'
import type { ApiClient } from '@japa/api-client'
import type { ApiResponse } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import Membership from '#models/membership'
import type Tenant from '#models/tenant'
import type User from '#models/user'
import WorkspaceAuditLog from '#models/workspace_audit_log'
import SendingDomain from '#models/sending_domain'
import Segment from '#models/segment'
import Suppression from '#models/suppression'
import RecordWorkspaceEvent from '#actions/audit/record_workspace_event'
import AddSendingDomain from '#actions/sending_domains/add_sending_domain'
import SaveSmtpServer from '#actions/smtp_servers/save_smtp_server'
import CreateMessage from '#actions/messages/create_message'
import DeleteTag from '#actions/tags/delete_tag'
import { createUser } from '#tests/helpers/users'
import {
  createClients,
  createMailing,
  createMessage,
  createOpenMailing,
} from '#tests/helpers/workspace'
import StartDueRuns from '#sending/start_due_runs'
import { createAttribute, createTag, tagClients } from '#tests/functional/clients/audience_helpers'
import { conditionFields } from '#tests/functional/segments/helpers'
import { createEndpoint } from '#tests/functional/webhooks/helpers'
import { createSignupForm } from '#tests/functional/signup_forms/helpers'
import { actorFor } from '#tests/helpers/actors'
import { api, createToken } from '#tests/helpers/api'
import { deleteForm, postForm, putForm } from '#tests/helpers/forms'

let sequence = 0
function unique(name: string) {
  sequence += 1
  return `${name}-${Date.now().toString(36)}-${sequence}`
}

function local(time: DateTime) {
  return time.toFormat("yyyy-MM-dd'T'HH:mm")
}

function signupFormFields(name: string) {
  return {
    name,
    title: 'Our letter',
    askName: '1',
    consentText: 'I agree to receive the letter.',
    successText: 'Almost there: check your inbox.',
    confirmedText: 'Welcome!',
    confirmationSubject: 'Confirm your letter',
    confirmationBody: 'Confirm here: {{ confirm_url }}',
    enabled: '1',
  }
}

interface Ctx {
  client: ApiClient
  user: User
  tenant: Tenant
}

interface AuditCase {
  action: string
  subjectType: string
  /**
   * Prepares what the change needs, and returns the request making it (and
   * the id of its subject when known beforehand).
   */
  change: (ctx: Ctx) => Promise<{ response: ApiResponse; subjectId?: number }>
}

const cases: AuditCase[] = [
  {
    action: 'client.create',
    subjectType: 'client',
    change: async ({ client, user }) => ({
      response: await postForm(client, '/clients', {
        email: `${unique('ada')}@example.com`,
        fullName: 'Ada',
      }).loginAs(user),
    }),
  },
  {
    action: 'client.update',
    subjectType: 'client',
    change: async ({ client, user, tenant }) => {
      const [saved] = await createClients(tenant, 1)
      const response = await putForm(client, `/clients/${saved.id}`, {
        email: saved.email,
        fullName: 'New Name',
      }).loginAs(user)
      return { response, subjectId: saved.id }
    },
  },
  {
    action: 'client.delete',
    subjectType: 'client',
    change: async ({ client, user, tenant }) => {
      const [saved] = await createClients(tenant, 1)
      const response = await deleteForm(client, `/clients/${saved.id}`).loginAs(user)
      return { response, subjectId: saved.id }
    },
  },
  {
    action: 'clients.delete',
    subjectType: 'client',
    change: async ({ client, user, tenant }) => {
      const saved = await createClients(tenant, 3)
      return {
        response: await postForm(client, '/clients/bulk-delete', {
          ids: saved.map(({ id }) => id),
        }).loginAs(user),
      }
    },
  },
  {
    action: 'clients.import',
    subjectType: 'client',
    change: async ({ client, user }) => {
      const path = join(await mkdtemp(join(tmpdir(), 'audit-')), 'clients.csv')
      await writeFile(
        path,
        `email,full_name\n${unique('a')}@example.com,A\n${unique('b')}@example.com,B\n`
      )
      const response = await postForm(client, '/clients/import')
        .file('file', path)
        .header('referer', '/clients/import')
        .loginAs(user)
      return { response }
    },
  },
  {
    action: 'clients.tag',
    subjectType: 'tag',
    change: async ({ client, user, tenant }) => {
      const [saved] = await createClients(tenant, 1)
      const tag = await createTag(tenant, unique('VIP'))
      const response = await postForm(client, '/clients/bulk-tag', {
        tagId: tag.id,
        op: 'add',
        scope: 'selected',
        ids: [saved.id],
      })
        .header('referer', '/clients')
        .loginAs(user)
      return { response, subjectId: tag.id }
    },
  },
  {
    action: 'clients.untag',
    subjectType: 'tag',
    change: async ({ client, user, tenant }) => {
      const [saved] = await createClients(tenant, 1)
      const tag = await createTag(tenant, unique('VIP'))
      await tagClients(tag, [saved])
      const response = await postForm(client, '/clients/bulk-tag', {
        tagId: tag.id,
        op: 'remove',
        scope: 'selected',
        ids: [saved.id],
      })
        .header('referer', '/clients')
        .loginAs(user)
      return { response, subjectId: tag.id }
    },
  },
  {
    action: 'client.create',
    subjectType: 'client',
    change: async ({ client, user }) => {
      const calls = api(client, await createToken(user, ['clients:write']))
      return {
        response: await calls.post('/clients', { email: `${unique('api')}@example.com` }),
      }
    },
  },
  {
    action: 'clients.bulk_upsert',
    subjectType: 'client',
    change: async ({ client, user }) => {
      const calls = api(client, await createToken(user, ['clients:write']))
      return {
        response: await calls.post('/clients/bulk', {
          clients: [{ email: `${unique('a')}@example.com` }, { email: 'not an email' }],
        }),
      }
    },
  },
  {
    action: 'message.create',
    subjectType: 'message',
    change: async ({ client, user }) => ({
      response: await postForm(client, '/messages', {
        subject: 'Hello',
        bodyText: 'Hi. Unsubscribe: {{ unsubscribe_url }}',
        bodyHtml: '',
      }).loginAs(user),
    }),
  },
  {
    action: 'message.update',
    subjectType: 'message',
    change: async ({ client, user, tenant }) => {
      const message = await createMessage(tenant)
      const response = await putForm(client, `/messages/${message.id}`, {
        subject: 'Changed',
        bodyText: 'Hi. Unsubscribe: {{ unsubscribe_url }}',
        bodyHtml: '',
      }).loginAs(user)
      return { response, subjectId: message.id }
    },
  },
  {
    action: 'message.delete',
    subjectType: 'message',
    change: async ({ client, user, tenant }) => {
      const message = await createMessage(tenant)
      const response = await deleteForm(client, `/messages/${message.id}`).loginAs(user)
      return { response, subjectId: message.id }
    },
  },
  {
    action: 'message.duplicate',
    subjectType: 'message',
    change: async ({ client, user, tenant }) => {
      const message = await createMessage(tenant)
      return {
        response: await postForm(client, `/messages/${message.id}/duplicate`).loginAs(user),
      }
    },
  },
  {
    action: 'mailing.create',
    subjectType: 'mailing',
    change: async ({ client, user, tenant }) => {
      const message = await createMessage(tenant)
      return {
        response: await postForm(client, '/mailings', {
          name: 'Weekly',
          messageId: message.id,
          audience: 'all',
          periodicity: 'once',
          startAt: local(DateTime.now().setZone(tenant.timeZone).plus({ days: 1 })),
          endAt: local(DateTime.now().setZone(tenant.timeZone).plus({ days: 2 })),
        }).loginAs(user),
      }
    },
  },
  {
    action: 'mailing.update',
    subjectType: 'mailing',
    change: async ({ client, user, tenant }) => {
      const mailing = await createMailing(tenant)
      const response = await putForm(client, `/mailings/${mailing.id}`, {
        name: 'Renamed',
        messageId: mailing.messageId,
        audience: 'all',
        periodicity: 'once',
        startAt: local(DateTime.now().setZone(tenant.timeZone).plus({ days: 1 })),
        endAt: local(DateTime.now().setZone(tenant.timeZone).plus({ days: 2 })),
      }).loginAs(user)
      return { response, subjectId: mailing.id }
    },
  },
  {
    action: 'mailing.delete',
    subjectType: 'mailing',
    change: async ({ client, user, tenant }) => {
      const mailing = await createMailing(tenant)
      const response = await deleteForm(client, `/mailings/${mailing.id}`).loginAs(user)
      return { response, subjectId: mailing.id }
    },
  },
  {
    action: 'mailing.start',
    subjectType: 'mailing',
    change: async ({ client, user, tenant }) => {
      await createClients(tenant, 1)
      const mailing = await createMailing(tenant)
      const calls = api(client, await createToken(user, ['mailings:write']))
      return { response: await calls.post(`/mailings/${mailing.id}/send`), subjectId: mailing.id }
    },
  },
  {
    action: 'mailing.pause',
    subjectType: 'mailing',
    change: async ({ client, user, tenant }) => {
      const mailing = await createMailing(tenant, { status: 'running' })
      const response = await postForm(client, `/mailings/${mailing.id}/pause`).loginAs(user)
      return { response, subjectId: mailing.id }
    },
  },
  {
    action: 'mailing.resume',
    subjectType: 'mailing',
    change: async ({ client, user, tenant }) => {
      const mailing = await createMailing(tenant, { status: 'paused' })
      const response = await postForm(client, `/mailings/${mailing.id}/resume`).loginAs(user)
      return { response, subjectId: mailing.id }
    },
  },
  {
    action: 'workspace.update',
    subjectType: 'workspace',
    change: async ({ client, user, tenant }) => ({
      response: await putForm(client, '/settings/workspace', {
        name: 'Renamed workspace',
        timeZone: 'America/New_York',
      }).loginAs(user),
      subjectId: tenant.id,
    }),
  },
  {
    action: 'workspace.sender_identity',
    subjectType: 'workspace',
    change: async ({ client, user, tenant }) => ({
      response: await putForm(client, '/settings/sending', {
        senderName: 'Acme News',
        senderEmail: 'news@acme.example',
        replyTo: '',
      }).loginAs(user),
      subjectId: tenant.id,
    }),
  },
  {
    action: 'sending_domain.add',
    subjectType: 'sending_domain',
    change: async ({ client, user }) => ({
      response: await postForm(client, '/settings/sending/domains', {
        domain: `${unique('d')}.example`,
      }).loginAs(user),
    }),
  },
  {
    action: 'sending_domain.delete',
    subjectType: 'sending_domain',
    change: async ({ client, user, tenant }) => {
      const domain = await AddSendingDomain.handle(actorFor(user), tenant, `${unique('d')}.example`)
      await WorkspaceAuditLog.query().where('tenant_id', tenant.id).delete()
      const response = await deleteForm(client, `/settings/sending/domains/${domain.id}`).loginAs(
        user
      )
      return { response, subjectId: domain.id }
    },
  },
  {
    action: 'smtp_server.save',
    subjectType: 'smtp_server',
    change: async ({ client, user }) => ({
      response: await putForm(client, '/settings/smtp', {
        host: 'smtp.example.com',
        port: '587',
        tlsMode: 'starttls',
        username: 'mailer',
        password: 'a-long-secret',
        poolSize: '2',
        sendRate: '',
      }).loginAs(user),
    }),
  },
  {
    action: 'smtp_server.remove',
    subjectType: 'smtp_server',
    change: async ({ client, user, tenant }) => {
      await SaveSmtpServer.handle(actorFor(user), tenant, {
        host: 'smtp.example.com',
        port: 587,
        tlsMode: 'starttls',
        username: null,
        password: null,
        poolSize: 1,
        sendRate: null,
      } as any)
      await WorkspaceAuditLog.query().where('tenant_id', tenant.id).delete()
      return { response: await deleteForm(client, '/settings/smtp').loginAs(user) }
    },
  },
  {
    action: 'webhook.create',
    subjectType: 'webhook_endpoint',
    change: async ({ client, user }) => ({
      response: await postForm(client, '/settings/webhooks', {
        url: 'https://hooks.example.com/in',
        events: ['mailing.run.completed'],
        enabled: '1',
      }).loginAs(user),
    }),
  },
  {
    action: 'webhook.update',
    subjectType: 'webhook_endpoint',
    change: async ({ client, user, tenant }) => {
      const endpoint = await createEndpoint(tenant, 'https://hooks.example.com/a')
      await WorkspaceAuditLog.query().where('tenant_id', tenant.id).delete()
      const response = await putForm(client, `/settings/webhooks/${endpoint.id}`, {
        url: 'https://hooks.example.com/b',
        events: ['mailing.run.completed'],
        enabled: '1',
      }).loginAs(user)
      return { response, subjectId: endpoint.id }
    },
  },
  {
    action: 'webhook.rotate_secret',
    subjectType: 'webhook_endpoint',
    change: async ({ client, user, tenant }) => {
      const endpoint = await createEndpoint(tenant, 'https://hooks.example.com/a')
      await WorkspaceAuditLog.query().where('tenant_id', tenant.id).delete()
      const response = await postForm(
        client,
        `/settings/webhooks/${endpoint.id}/rotate-secret`
      ).loginAs(user)
      return { response, subjectId: endpoint.id }
    },
  },
  {
    action: 'webhook.delete',
    subjectType: 'webhook_endpoint',
    change: async ({ client, user, tenant }) => {
      const endpoint = await createEndpoint(tenant, 'https://hooks.example.com/a')
      await WorkspaceAuditLog.query().where('tenant_id', tenant.id).delete()
      const response = await deleteForm(client, `/settings/webhooks/${endpoint.id}`).loginAs(user)
      return { response, subjectId: endpoint.id }
    },
  },
  {
    action: 'token.create',
    subjectType: 'access_token',
    change: async ({ client, user }) => ({
      response: await postForm(client, '/settings/tokens', {
        name: 'CRM sync',
        abilities: ['clients:read'],
        expiresIn: '30',
      }).loginAs(user),
    }),
  },
  {
    action: 'token.revoke',
    subjectType: 'access_token',
    change: async ({ client, user }) => {
      await createToken(user, ['clients:read'])
      const row = await db
        .from('auth_access_tokens')
        .where('tokenable_id', user.id)
        .orderBy('id', 'desc')
        .firstOrFail()
      const response = await deleteForm(client, `/settings/tokens/${row.id}`).loginAs(user)
      return { response, subjectId: Number(row.id) }
    },
  },
  {
    action: 'tag.create',
    subjectType: 'tag',
    change: async ({ client, user }) => ({
      response: await postForm(client, '/clients/tags', { name: unique('Tag') }).loginAs(user),
    }),
  },
  {
    action: 'tag.update',
    subjectType: 'tag',
    change: async ({ client, user, tenant }) => {
      const tag = await createTag(tenant, unique('Tag'))
      const response = await putForm(client, `/clients/tags/${tag.id}`, {
        name: unique('Renamed'),
      }).loginAs(user)
      return { response, subjectId: tag.id }
    },
  },
  {
    action: 'tag.delete',
    subjectType: 'tag',
    change: async ({ client, user, tenant }) => {
      const tag = await createTag(tenant, unique('Tag'))
      const response = await deleteForm(client, `/clients/tags/${tag.id}`).loginAs(user)
      return { response, subjectId: tag.id }
    },
  },
  {
    action: 'attribute.create',
    subjectType: 'attribute',
    change: async ({ client, user }) => ({
      response: await postForm(client, '/clients/attributes', {
        key: 'company',
        label: 'Company',
        type: 'text',
      }).loginAs(user),
    }),
  },
  {
    action: 'attribute.update',
    subjectType: 'attribute',
    change: async ({ client, user, tenant }) => {
      const definition = await createAttribute(tenant, 'company', 'text')
      const response = await putForm(client, `/clients/attributes/${definition.id}`, {
        label: 'Firm',
      }).loginAs(user)
      return { response, subjectId: definition.id }
    },
  },
  {
    action: 'attribute.delete',
    subjectType: 'attribute',
    change: async ({ client, user, tenant }) => {
      const definition = await createAttribute(tenant, 'company', 'text')
      const response = await deleteForm(client, `/clients/attributes/${definition.id}`).loginAs(
        user
      )
      return { response, subjectId: definition.id }
    },
  },
  {
    action: 'segment.create',
    subjectType: 'segment',
    change: async ({ client, user, tenant }) => {
      const tag = await createTag(tenant, unique('VIP'))
      return {
        response: await postForm(client, '/segments', {
          name: 'VIPs',
          match: 'all',
          ...conditionFields([{ field: 'tags', op: 'any', tagIds: [tag.id] }]),
        }).loginAs(user),
      }
    },
  },
  {
    action: 'segment.update',
    subjectType: 'segment',
    change: async ({ client, user, tenant }) => {
      const segment = await segmentOf(tenant)
      const response = await putForm(client, `/segments/${segment.id}`, {
        name: 'Others',
        match: 'all',
        ...conditionFields([
          {
            field: 'tags',
            op: 'none',
            tagIds: segment.definition.conditions.flatMap((c: any) => c.tagIds),
          },
        ]),
      }).loginAs(user)
      return { response, subjectId: segment.id }
    },
  },
  {
    action: 'segment.delete',
    subjectType: 'segment',
    change: async ({ client, user, tenant }) => {
      const segment = await segmentOf(tenant)
      const response = await deleteForm(client, `/segments/${segment.id}`).loginAs(user)
      return { response, subjectId: segment.id }
    },
  },
  {
    action: 'signup_form.create',
    subjectType: 'signup_form',
    change: async ({ client, user }) => ({
      response: await postForm(client, '/clients/forms', signupFormFields('Footer')).loginAs(user),
    }),
  },
  {
    action: 'signup_form.update',
    subjectType: 'signup_form',
    change: async ({ client, user, tenant }) => {
      const form = await createSignupForm(tenant)
      await WorkspaceAuditLog.query().where('tenant_id', tenant.id).delete()
      const response = await putForm(
        client,
        `/clients/forms/${form.id}`,
        signupFormFields('Renamed')
      ).loginAs(user)
      return { response, subjectId: form.id }
    },
  },
  {
    action: 'signup_form.new_address',
    subjectType: 'signup_form',
    change: async ({ client, user, tenant }) => {
      const form = await createSignupForm(tenant)
      await WorkspaceAuditLog.query().where('tenant_id', tenant.id).delete()
      const response = await postForm(client, `/clients/forms/${form.id}/regenerate-token`).loginAs(
        user
      )
      return { response, subjectId: form.id }
    },
  },
  {
    action: 'signup_form.delete',
    subjectType: 'signup_form',
    change: async ({ client, user, tenant }) => {
      const form = await createSignupForm(tenant)
      await WorkspaceAuditLog.query().where('tenant_id', tenant.id).delete()
      const response = await deleteForm(client, `/clients/forms/${form.id}`).loginAs(user)
      return { response, subjectId: form.id }
    },
  },
  {
    action: 'suppression.add',
    subjectType: 'suppression',
    change: async ({ client, user }) => ({
      response: await postForm(client, '/clients/suppressions', {
        email: `${unique('hand')}@example.com`,
      }).loginAs(user),
    }),
  },
  {
    action: 'suppression.remove',
    subjectType: 'suppression',
    change: async ({ client, user, tenant }) => {
      const entry = await Suppression.create({
        tenantId: tenant.id,
        email: `${unique('gone')}@example.com`,
        reason: 'manual',
        source: 'manual',
      } as any)
      const response = await deleteForm(client, `/clients/suppressions/${entry.id}`).loginAs(user)
      return { response, subjectId: entry.id }
    },
  },
]

async function segmentOf(tenant: Tenant) {
  const tag = await createTag(tenant, unique('VIP'))
  return Segment.create({
    tenantId: tenant.id,
    name: 'VIPs',
    definition: { match: 'all', conditions: [{ field: 'tags', op: 'any', tagIds: [tag.id] }] },
  } as any)
}

function logOf(tenant: { id: number }) {
  return WorkspaceAuditLog.query().where('tenant_id', tenant.id).orderBy('id')
}

test.group('Workspace audit log: every member change writes one entry', () => {
  test('{action} ({subjectType})')
    .with(cases)
    .run(async ({ client, assert }, row) => {
      const { user, tenant } = await createUser()
      const { response, subjectId } = await row.change({ client, user, tenant })
      assert.isBelow(response.status(), 400, response.text().slice(0, 300))

      const entries = await logOf(tenant)
      assert.lengthOf(entries, 1, JSON.stringify(entries.map(({ action }) => action)))
      const [entry] = entries
      assert.equal(entry.action, row.action)
      assert.equal(entry.subjectType, row.subjectType)
      if (subjectId !== undefined) assert.equal(entry.subjectId, subjectId)
      assert.equal(entry.actorId, user.id)
      assert.equal(entry.actorEmail, user.email)
      assert.isString(entry.ip)
      assert.isNotEmpty(entry.ip)
    })
})

test.group('Workspace audit log: only what happened', () => {
  test('a refused change (a validation error) writes nothing', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const refused = await postForm(client, '/clients', { email: 'not an email' }).loginAs(user)
    refused.assertStatus(302)
    const tagRefused = await postForm(client, '/clients/tags', { name: '' }).loginAs(user)
    tagRefused.assertStatus(302)
    assert.lengthOf(await logOf(tenant), 0)
  })

  test('a change that fails in the database is rolled back with its entry', async ({ assert }) => {
    const { user, tenant } = await createUser()
    const message = await createMessage(tenant)
    // A mailing refers to the message: the database refuses to delete it.
    const mailing = await createMailing(tenant)
    await db.from('mailings').where('id', mailing.id).update({ message_id: message.id })
    await assert.rejects(() =>
      db.transaction(async (trx) => {
        await RecordWorkspaceEvent.handle(
          actorFor(user),
          {
            tenantId: tenant.id,
            action: 'message.delete',
            subject: { type: 'message', id: message.id },
          },
          trx
        )
        await trx.from('messages').where('id', message.id).delete()
      })
    )
    assert.lengthOf(await logOf(tenant), 0)
  })

  test('an action whose entry cannot be written changes nothing', async ({ assert }) => {
    const { user, tenant } = await createUser()
    // An actor the users table does not know: the entry's foreign key
    // fails after the change was written, in the same transaction.
    const ghost = actorFor({ id: 2 ** 31 - 1, email: user.email } as User)
    await assert.rejects(() =>
      CreateMessage.handle(ghost, tenant, {
        subject: 'Never saved',
        bodyText: 'Hi. Unsubscribe: {{ unsubscribe_url }}',
      } as any)
    )
    const tag = await createTag(tenant, unique('Kept'))
    // (A refused delete, to DeleteTag: its foreign-key refusals mean "in use".)
    const refused = await DeleteTag.handle(ghost, tag)
    assert.isFalse(refused.deleted)
    assert.isNull(await db.from('messages').where('subject', 'Never saved').first())
    assert.isNotNull(await db.from('tags').where('id', tag.id).first())
    assert.lengthOf(await logOf(tenant), 0)
  })

  test('the daily recheck and other system changes write nothing', async ({ assert }) => {
    const { user, tenant } = await createUser()
    const domain = await SendingDomain.create({
      tenantId: tenant.id,
      domain: `${unique('sys')}.example`,
      verificationToken: 'x',
      dkimSelector: unique('sel'),
      dkimPublicKey: 'x',
      dkimPrivateKey: 'x',
    } as any)
    const { default: CheckSendingDomain } =
      await import('#actions/sending_domains/check_sending_domain')
    await CheckSendingDomain.handle(null, domain).catch(() => null)
    assert.lengthOf(await logOf(tenant), 0)
    assert.exists(user)
  })

  test("a run the scheduler starts is in the log as the schedule's, with no member", async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await createClients(tenant, 2)
    const message = await createMessage(tenant)
    const mailing = await createOpenMailing(user, message, { nextRunAt: DateTime.now() })
    await StartDueRuns.handle()
    const [entry] = await logOf(tenant)
    assert.equal(entry.action, 'mailing.start')
    assert.isNull(entry.actorId)
    assert.equal(entry.subjectId, mailing.id)
    assert.deepInclude(entry.details, { onSchedule: true, recipients: 2 })
    const page = await client.get('/settings/audit-log').loginAs(user)
    page.assertTextIncludes('On schedule')
  })
})

async function addMember(tenant: Tenant, role: Membership['role']) {
  const { user } = await createUser()
  await Membership.create({ tenantId: tenant.id, userId: user.id, role })
  return user
}

test.group('Workspace audit log: the page', () => {
  // Refused authorizations answer 404 in this app (app/exceptions/handler.ts)
  // unless the role matrix makes a member's refusal a 403: either is a refusal.
  test('owners and admins see it; editors and viewers are refused', async ({ client, assert }) => {
    const refused = (response: ApiResponse) => assert.oneOf(response.status(), [403, 404])
    const { user: owner, tenant } = await createUser()
    const admin = await addMember(tenant, 'admin')
    const editor = await addMember(tenant, 'editor')
    const viewer = await addMember(tenant, 'viewer')
    const path = `/settings/audit-log?workspace=${tenant.id}`

    const ownerPage = await client.get(path).loginAs(owner)
    ownerPage.assertStatus(200)
    const adminPage = await client.get(path).loginAs(admin)
    adminPage.assertStatus(200)
    assert.include(adminPage.text(), 'href="/settings/audit-log"')
    refused(await client.get(path).loginAs(editor))
    refused(await client.get(path).loginAs(viewer))
    refused(await client.get(`/settings/audit-log/export?workspace=${tenant.id}`).loginAs(viewer))
    const editorNav = await client.get(`/settings/workspace?workspace=${tenant.id}`).loginAs(editor)
    assert.notInclude(editorNav.text(), 'href="/settings/audit-log"')
  })

  test('shows its own workspace only, newest first, with who, what, on and from', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const other = await createUser()
    await postForm(client, '/clients/tags', { name: 'First tag' }).loginAs(user)
    await postForm(client, '/clients/tags', { name: 'Second tag' }).loginAs(user)
    await postForm(client, '/clients/tags', { name: 'Their secret tag' }).loginAs(other.user)

    const page = await client.get('/settings/audit-log').loginAs(user)
    page.assertStatus(200)
    const html = page.text()
    assert.include(html, user.email)
    assert.include(html, 'tag.create')
    assert.isBelow(html.indexOf('Second tag'), html.indexOf('First tag'))
    assert.notInclude(html, 'Their secret tag')
    assert.notInclude(html, other.user.email)
    assert.lengthOf(await logOf(tenant), 2)
  })

  test('filters by action, member and day; pages by keyset', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const admin = await addMember(tenant, 'admin')
    await postForm(client, '/clients/tags', { name: 'By owner' }).loginAs(user)
    await postForm(client, `/clients/attributes?workspace=${tenant.id}`, {
      key: 'company',
      label: 'By admin',
      type: 'text',
    }).loginAs(admin)
    const entries = await logOf(tenant)
    assert.lengthOf(entries, 2)

    const byAction = await client
      .get('/settings/audit-log')
      .qs({ action: 'attribute.create' })
      .loginAs(user)
    assert.include(byAction.text(), 'By admin')
    assert.notInclude(byAction.text(), 'By owner')
    assert.include(byAction.text(), '<option value="tag.create"')

    const byMember = await client.get('/settings/audit-log').qs({ member: user.id }).loginAs(user)
    assert.include(byMember.text(), 'By owner')
    assert.notInclude(byMember.text(), 'By admin')

    const today = DateTime.now().setZone(tenant.timeZone).toISODate()!
    const yesterday = DateTime.now().setZone(tenant.timeZone).minus({ days: 1 }).toISODate()!
    const fromToday = await client
      .get('/settings/audit-log')
      .qs({ from: today, to: today })
      .loginAs(user)
    assert.include(fromToday.text(), 'By owner')
    const beforeToday = await client.get('/settings/audit-log').qs({ to: yesterday }).loginAs(user)
    assert.include(beforeToday.text(), 'data-testid="audit-empty"')

    const secondPage = await client
      .get('/settings/audit-log')
      .qs({ after: entries[1].id })
      .loginAs(user)
    assert.include(secondPage.text(), 'By owner')
    assert.notInclude(secondPage.text(), 'By admin')

    // Days that are no day, or that PostgreSQL cannot store, are refused
    // beside the filter (the page and the export), never a 500.
    for (const from of ['yesterday', '2026-02-30', '2026-13-01', '0000-01-01', '0001-01-01']) {
      for (const url of ['/settings/audit-log', '/settings/audit-log/export']) {
        const bad = await client.get(url).qs({ from }).loginAs(user).redirects(0)
        assert.isBelow(bad.status(), 500, `${url}?from=${from}`)
        assert.notEqual(bad.status(), 200, `${url}?from=${from} is refused`)
      }
    }
  })

  test('exports the filtered log as CSV, formulas neutralised', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const other = await createUser()
    await postForm(client, '/clients/tags', { name: '=HYPERLINK("x")' }).loginAs(user)
    await postForm(client, '/messages', {
      subject: 'Hello',
      bodyText: 'Hi. Unsubscribe: {{ unsubscribe_url }}',
      bodyHtml: '',
    }).loginAs(user)
    await postForm(client, '/clients/tags', { name: 'Theirs' }).loginAs(other.user)

    const all = await client.get('/settings/audit-log/export').loginAs(user)
    all.assertStatus(200)
    all.assertHeader('content-type', 'text/csv; charset=utf-8')
    const lines = all
      .text()
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
    assert.equal(lines[0], 'when,who,action,subject_type,subject_id,subject,ip,user_agent,details')
    assert.lengthOf(lines, 3)
    assert.include(lines[1], 'message.create')
    assert.include(lines[2], `"'=HYPERLINK(""x"")"`)
    assert.notInclude(all.text(), 'Theirs')

    const filtered = await client
      .get('/settings/audit-log/export')
      .qs({ action: 'tag.create' })
      .loginAs(user)
    const filteredLines = filtered.text().trim().split('\n')
    assert.lengthOf(filteredLines, 2)
    assert.include(filteredLines[1], 'tag.create')
    assert.exists(tenant)
  })
})
