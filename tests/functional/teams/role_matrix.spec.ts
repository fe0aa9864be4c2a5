import { test } from '@japa/runner'
import { ownerActorOf } from '#tests/helpers/actors'
import { DateTime } from 'luxon'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import Membership from '#models/membership'
import type Tenant from '#models/tenant'
import User from '#models/user'
import Client from '#models/client'
import Message from '#models/message'
import Mailing from '#models/mailing'
import Tag from '#models/tag'
import Segment from '#models/segment'
import AttributeDefinition from '#models/attribute_definition'
import SignupForm from '#models/signup_form'
import Suppression from '#models/suppression'
import SendingDomain from '#models/sending_domain'
import WebhookEndpoint from '#models/webhook_endpoint'
import CreateSignupForm from '#actions/signup_forms/create_signup_form'
import AddSendingDomain from '#actions/sending_domains/add_sending_domain'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { newSecret } from '#services/webhooks/signing'
import { TOKEN_ABILITIES } from '#api/abilities'
import { WORKSPACE_ROLES, roleAtLeast, type WorkspaceRole } from '#teams/workspace_roles'
import { createUser } from '#tests/helpers/users'
import { createClients, createMailing, createMessage } from '#tests/helpers/workspace'
import { createToken } from '#tests/helpers/api'
import { submitForm } from '#tests/helpers/forms'

/**
 * Every workspace route against each workspace role (issue 16). A row
 * prepares its subject in the workspace the actor is a member of, names
 * the least role that may use the route, and how to tell whether it took
 * effect: an allowed role gets the page (or the redirect, or the row's own
 * status) AND the effect; a weaker role gets 403 and no effect. Reads
 * (lists, pages, exports, statistics) are every member's. Add a row here
 * for each new workspace route.
 */

interface Scene {
  tenant: Tenant
  owner: User
  actor: User
}

interface Prepared {
  url: string
  form?: Record<string, unknown>
  /** Whether the action changed something (mutations). */
  changed?: () => Promise<boolean>
  /** Whether an allowed role must see the effect (false: too costly to reach, e.g. DNS). */
  effectWhenAllowed?: boolean
}

interface Row {
  name: string
  method: 'get' | 'post' | 'put' | 'delete'
  least: WorkspaceRole
  /** What an allowed role gets, when not 200 (GET) or 302 (form). */
  allowedStatus?: number
  json?: boolean
  prepare: (scene: Scene) => Promise<Prepared>
}

const has = async <T extends { refresh(): Promise<unknown> }>(
  record: T,
  check: (r: T) => boolean
) => {
  await record.refresh()
  return check(record)
}
const gone = async (model: { find(id: number): Promise<unknown> }, id: number) =>
  !(await model.find(id))
const countOf = async (table: string, tenantId: number) => {
  const [row] = await db.from(table).where('tenant_id', tenantId).count('* as n')
  return Number(row.n)
}
/** A record's id, once made. */
const idOf = async (record: Promise<{ id: number }>) => {
  const { id } = await record
  return id
}
const oneClient = async (tenant: Tenant) => {
  const [client] = await createClients(tenant, 1)
  return client
}
const at = (date: DateTime) => date.toFormat("yyyy-MM-dd'T'HH:mm")
const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`
const liveMailing = (tenant: Tenant) =>
  createMailing(tenant, { status: 'running', startAt: DateTime.now().minus({ hours: 1 }) })
const row0 = (fields: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [`conditions[0][${k}]`, v]))
const segmentOf = (tenant: Tenant, name = 'Subscribed') =>
  Segment.create({
    tenantId: tenant.id,
    name,
    definition: { match: 'all', conditions: [{ field: 'state', op: 'is', value: 'subscribed' }] },
  })
const FORM_TEXTS = {
  title: 'Join us',
  consentText: 'Yes, send me news',
  successText: 'Thanks',
  confirmedText: 'Confirmed',
  confirmationSubject: 'Confirm',
  confirmationBody: 'Go {{ confirm_url }}',
}
const signupFormOf = async (tenant: Tenant) =>
  CreateSignupForm.handle({
    actor: await ownerActorOf(tenant),
    tenant,
    data: { name: 'Newsletter', ...FORM_TEXTS, enabled: true },
  })
const webhookOf = (tenant: Tenant) =>
  WebhookEndpoint.create({
    tenantId: tenant.id,
    url: 'https://hooks.example.com/in',
    events: ['client.unsubscribed'],
    enabled: false,
    secret: newSecret(),
  })
const suppressionOf = async (tenant: Tenant) => {
  const email = `suppressed-${unique()}@example.com`
  await SuppressAddress.handle({ tenantId: tenant.id, email, reason: 'complaint', source: 'test' })
  return Suppression.query().where('tenant_id', tenant.id).where('email', email).firstOrFail()
}
const tokenRowOf = async (user: User, tenant: Tenant) => {
  await createToken(user, ['clients:read'], { name: 'Mine' })
  const row = await db.from('auth_access_tokens').where('tokenable_id', user.id).firstOrFail()
  await db.from('auth_access_tokens').where('id', row.id).update({ tenant_id: tenant.id })
  return Number(row.id)
}

const reads: Array<[string, (scene: Scene) => Promise<string>]> = [
  ['the dashboard', async () => '/dashboard'],
  ['the clients list', async () => '/clients'],
  ['the clients export', async () => '/clients/export'],
  ['the client search', async () => '/clients/search?q=client'],
  ['the suppression list', async () => '/clients/suppressions'],
  ['the suppression export', async () => '/clients/suppressions/export'],
  ['the tags', async () => '/clients/tags'],
  ['the attributes', async () => '/clients/attributes'],
  ['the sign-up forms', async () => '/clients/forms'],
  ['the segments', async () => '/segments'],
  ['a segment count', async ({ tenant }) => `/segments/${await idOf(segmentOf(tenant))}/count`],
  ['the messages', async () => '/messages'],
  ['a message', async ({ tenant }) => `/messages/${await idOf(createMessage(tenant))}`],
  [
    'a message preview',
    async ({ tenant }) => `/messages/${await idOf(createMessage(tenant))}/preview`,
  ],
  ['the mailings', async () => '/mailings'],
  ['a mailing', async ({ tenant }) => `/mailings/${await idOf(liveMailing(tenant))}`],
  ['its statistics', async ({ tenant }) => `/mailings/${await idOf(liveMailing(tenant))}/stats`],
  [
    'its delivery log',
    async ({ tenant }) => `/mailings/${await idOf(liveMailing(tenant))}/deliveries`,
  ],
  [
    'its delivery export',
    async ({ tenant }) => `/mailings/${await idOf(liveMailing(tenant))}/deliveries/export`,
  ],
  ['the report', async () => '/reports'],
  ['the profile', async () => '/settings/profile'],
  ['the sessions', async () => '/settings/sessions'],
  ['the API tokens', async () => '/settings/tokens'],
]

const editorPages: Array<[string, (scene: Scene) => Promise<string>]> = [
  ['the new client form', async () => '/clients/create'],
  ['a client’s form', async ({ tenant }) => `/clients/${await idOf(oneClient(tenant))}/edit`],
  ['the import form', async () => '/clients/import'],
  ['the new attribute form', async () => '/clients/attributes/create'],
  [
    'an attribute’s form',
    async ({ tenant }) => {
      const definition = await AttributeDefinition.create({
        tenantId: tenant.id,
        key: 'company',
        label: 'Company',
        type: 'text',
      })
      return `/clients/attributes/${definition.id}/edit`
    },
  ],
  [
    'a tag’s form',
    async ({ tenant }) =>
      `/clients/tags/${await idOf(Tag.create({ tenantId: tenant.id, name: 'Vip' }))}/edit`,
  ],
  ['the new segment form', async () => '/segments/create'],
  ['a segment’s form', async ({ tenant }) => `/segments/${await idOf(segmentOf(tenant))}/edit`],
  ['the new sign-up form', async () => '/clients/forms/create'],
  [
    'a sign-up form’s form',
    async ({ tenant }) => `/clients/forms/${await idOf(signupFormOf(tenant))}/edit`,
  ],
  ['the new message form', async () => '/messages/create'],
  ['a message’s form', async ({ tenant }) => `/messages/${await idOf(createMessage(tenant))}/edit`],
  ['the new mailing form', async () => '/mailings/create'],
  ['a mailing’s form', async ({ tenant }) => `/mailings/${await idOf(liveMailing(tenant))}/edit`],
]

const adminPages: Array<[string, (scene: Scene) => Promise<string>]> = [
  ['the workspace settings', async () => '/settings/workspace'],
  ['the sending settings', async () => '/settings/sending'],
  ['the SMTP server settings', async () => '/settings/smtp'],
  ['the webhooks', async () => '/settings/webhooks'],
  ['the new webhook form', async () => '/settings/webhooks/create'],
  ['a webhook', async ({ tenant }) => `/settings/webhooks/${await idOf(webhookOf(tenant))}`],
  [
    'a webhook’s form',
    async ({ tenant }) => `/settings/webhooks/${await idOf(webhookOf(tenant))}/edit`,
  ],
]

const pageRows = (pages: typeof reads, least: WorkspaceRole): Row[] =>
  pages.map(([name, url]) => ({
    name: `open ${name}`,
    method: 'get',
    least,
    prepare: async (scene) => ({ url: await url(scene) }),
  }))

const rows: Row[] = [
  ...pageRows(reads, 'viewer'),
  ...pageRows(editorPages, 'editor'),
  ...pageRows(adminPages, 'admin'),

  // The member's own account: every member's, whatever their role
  {
    name: 'save their profile',
    method: 'put',
    least: 'viewer',
    prepare: async ({ actor }) => ({
      url: '/settings/profile',
      form: { fullName: 'Renamed Member' },
      changed: () => has(actor, (r) => r.fullName === 'Renamed Member'),
    }),
  },
  {
    name: 'log out their other sessions',
    method: 'post',
    least: 'viewer',
    prepare: async () => ({ url: '/settings/sessions/others/log-out' }),
  },
  {
    name: 'make an API token (abilities their role allows)',
    method: 'post',
    least: 'viewer',
    prepare: async ({ actor, tenant }) => ({
      url: '/settings/tokens',
      form: { name: 'Reports', abilities: ['clients:read'], expiresIn: '30' },
      changed: async () =>
        Boolean(
          await db
            .from('auth_access_tokens')
            .where({ tokenable_id: actor.id, tenant_id: tenant.id, name: 'Reports' })
            .first()
        ),
    }),
  },
  {
    name: 'revoke their own API token',
    method: 'delete',
    least: 'viewer',
    prepare: async ({ actor, tenant }) => {
      const id = await tokenRowOf(actor, tenant)
      return {
        url: `/settings/tokens/${id}`,
        changed: async () => !(await db.from('auth_access_tokens').where('id', id).first()),
      }
    },
  },

  // Clients
  {
    name: 'add a client',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const email = `new-${unique()}@example.com`
      return {
        url: '/clients',
        form: { email, fullName: 'New Client' },
        changed: async () =>
          Boolean(await Client.query().where({ tenant_id: tenant.id, email }).first()),
      }
    },
  },
  {
    name: 'update a client',
    method: 'put',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const client = await oneClient(tenant)
      return {
        url: `/clients/${client.id}`,
        form: { email: client.email, fullName: 'Renamed Client' },
        changed: () => has(client, (r) => r.fullName === 'Renamed Client'),
      }
    },
  },
  {
    name: 'delete a client',
    method: 'delete',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const client = await oneClient(tenant)
      return { url: `/clients/${client.id}`, changed: () => gone(Client, client.id) }
    },
  },
  {
    name: 'delete clients in bulk',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const client = await oneClient(tenant)
      return {
        url: '/clients/bulk-delete',
        form: { ids: [client.id] },
        changed: () => gone(Client, client.id),
      }
    },
  },
  {
    name: 'import clients',
    method: 'post',
    least: 'editor',
    // (no file: the allowed roles get the form back with the error)
    allowedStatus: 302,
    prepare: async () => ({ url: '/clients/import', form: { mode: 'add' } }),
  },
  {
    name: 'suppress an address',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const email = `hand-${unique()}@example.com`
      return {
        url: '/clients/suppressions',
        form: { email },
        changed: async () =>
          Boolean(await Suppression.query().where({ tenant_id: tenant.id, email }).first()),
      }
    },
  },
  {
    name: 'lift a suppression',
    method: 'delete',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const entry = await suppressionOf(tenant)
      return {
        url: `/clients/suppressions/${entry.id}`,
        form: { confirmComplaint: 'true' },
        changed: () => gone(Suppression, entry.id),
      }
    },
  },

  // Tags and attributes
  {
    name: 'add a tag',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => ({
      url: '/clients/tags',
      form: { name: 'Fresh tag' },
      changed: async () =>
        Boolean(await Tag.query().where({ tenant_id: tenant.id, name: 'Fresh tag' }).first()),
    }),
  },
  {
    name: 'rename a tag',
    method: 'put',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const tag = await Tag.create({ tenantId: tenant.id, name: 'Old name' })
      return {
        url: `/clients/tags/${tag.id}`,
        form: { name: 'New name' },
        changed: () => has(tag, (r) => r.name === 'New name'),
      }
    },
  },
  {
    name: 'delete a tag',
    method: 'delete',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const tag = await Tag.create({ tenantId: tenant.id, name: 'Doomed' })
      return { url: `/clients/tags/${tag.id}`, changed: () => gone(Tag, tag.id) }
    },
  },
  {
    name: 'tag clients in bulk',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const tag = await Tag.create({ tenantId: tenant.id, name: 'Bulk' })
      const client = await oneClient(tenant)
      return {
        url: '/clients/bulk-tag',
        form: { tagId: tag.id, op: 'add', scope: 'selected', ids: [client.id] },
        changed: async () =>
          Boolean(
            await db.from('client_tags').where({ tag_id: tag.id, client_id: client.id }).first()
          ),
      }
    },
  },
  {
    name: 'define an attribute',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => ({
      url: '/clients/attributes',
      form: { key: 'plan', label: 'Plan', type: 'text' },
      changed: async () =>
        Boolean(
          await AttributeDefinition.query().where({ tenant_id: tenant.id, key: 'plan' }).first()
        ),
    }),
  },
  {
    name: 'relabel an attribute',
    method: 'put',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const definition = await AttributeDefinition.create({
        tenantId: tenant.id,
        key: 'city',
        label: 'City',
        type: 'text',
      })
      return {
        url: `/clients/attributes/${definition.id}`,
        form: { label: 'Town' },
        changed: () => has(definition, (r) => r.label === 'Town'),
      }
    },
  },
  {
    name: 'delete an attribute',
    method: 'delete',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const definition = await AttributeDefinition.create({
        tenantId: tenant.id,
        key: 'doomed',
        label: 'Doomed',
        type: 'text',
      })
      return {
        url: `/clients/attributes/${definition.id}`,
        changed: () => gone(AttributeDefinition, definition.id),
      }
    },
  },

  // Segments
  {
    name: 'save a segment',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => ({
      url: '/segments',
      form: {
        name: 'Fresh',
        match: 'all',
        ...row0({ field: 'state', op: 'is', value: 'subscribed' }),
      },
      changed: async () =>
        Boolean(await Segment.query().where({ tenant_id: tenant.id, name: 'Fresh' }).first()),
    }),
  },
  {
    name: 'change a segment',
    method: 'put',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const segment = await segmentOf(tenant)
      return {
        url: `/segments/${segment.id}`,
        form: {
          name: 'Renamed',
          match: 'all',
          ...row0({ field: 'state', op: 'is', value: 'subscribed' }),
        },
        changed: () => has(segment, (r) => r.name === 'Renamed'),
      }
    },
  },
  {
    name: 'delete a segment',
    method: 'delete',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const segment = await segmentOf(tenant)
      return { url: `/segments/${segment.id}`, changed: () => gone(Segment, segment.id) }
    },
  },
  {
    name: 'preview a segment (live count)',
    method: 'post',
    least: 'editor',
    json: true,
    allowedStatus: 200,
    prepare: async () => ({
      url: '/segments/preview',
      form: { match: 'all', ...row0({ field: 'state', op: 'is', value: 'subscribed' }) },
    }),
  },
  {
    name: 'use the new segment editor’s buttons',
    method: 'post',
    least: 'editor',
    allowedStatus: 200,
    prepare: async () => ({ url: '/segments/editor', form: { intent: 'add', name: 'x' } }),
  },
  {
    name: 'come back to the new segment editor',
    method: 'get',
    least: 'editor',
    allowedStatus: 302,
    prepare: async () => ({ url: '/segments/editor' }),
  },
  {
    name: 'use a segment editor’s buttons',
    method: 'post',
    least: 'editor',
    allowedStatus: 200,
    prepare: async ({ tenant }) => ({
      url: `/segments/${await idOf(segmentOf(tenant))}/editor`,
      form: { intent: 'add', name: 'x' },
    }),
  },
  {
    name: 'come back to a segment editor',
    method: 'get',
    least: 'editor',
    allowedStatus: 302,
    prepare: async ({ tenant }) => ({ url: `/segments/${await idOf(segmentOf(tenant))}/editor` }),
  },

  // Sign-up forms
  {
    name: 'make a sign-up form',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => ({
      url: '/clients/forms',
      form: { name: 'Fresh form', ...FORM_TEXTS },
      changed: async () =>
        Boolean(
          await SignupForm.query().where({ tenant_id: tenant.id, name: 'Fresh form' }).first()
        ),
    }),
  },
  {
    name: 'change a sign-up form',
    method: 'put',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const form = await signupFormOf(tenant)
      return {
        url: `/clients/forms/${form.id}`,
        form: { name: 'Renamed form', ...FORM_TEXTS },
        changed: () => has(form, (r) => r.name === 'Renamed form'),
      }
    },
  },
  {
    name: 'delete a sign-up form',
    method: 'delete',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const form = await signupFormOf(tenant)
      return { url: `/clients/forms/${form.id}`, changed: () => gone(SignupForm, form.id) }
    },
  },
  {
    name: 'regenerate a sign-up form’s link',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const form = await signupFormOf(tenant)
      const before = form.publicToken
      return {
        url: `/clients/forms/${form.id}/regenerate-token`,
        changed: () => has(form, (r) => r.publicToken !== before),
      }
    },
  },

  // Messages
  {
    name: 'write a message',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => ({
      url: '/messages',
      form: { subject: 'Fresh news', bodyText: 'Hi. {{ unsubscribe_url }}', bodyHtml: '' },
      changed: async () =>
        Boolean(
          await Message.query().where({ tenant_id: tenant.id, subject: 'Fresh news' }).first()
        ),
    }),
  },
  {
    name: 'change a message',
    method: 'put',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const message = await createMessage(tenant)
      return {
        url: `/messages/${message.id}`,
        form: { subject: 'Changed', bodyText: 'Hi. {{ unsubscribe_url }}', bodyHtml: '' },
        changed: () => has(message, (r) => r.subject === 'Changed'),
      }
    },
  },
  {
    name: 'delete a message',
    method: 'delete',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const message = await createMessage(tenant)
      return { url: `/messages/${message.id}`, changed: () => gone(Message, message.id) }
    },
  },
  {
    name: 'duplicate a message',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const message = await createMessage(tenant)
      const before = await countOf('messages', tenant.id)
      return {
        url: `/messages/${message.id}/duplicate`,
        changed: async () => (await countOf('messages', tenant.id)) > before,
      }
    },
  },
  {
    name: 'send a message test',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => ({
      url: `/messages/${await idOf(createMessage(tenant))}/test-send`,
    }),
  },

  // Mailings
  {
    name: 'plan a mailing',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const message = await createMessage(tenant)
      return {
        url: '/mailings',
        form: {
          name: 'Fresh mailing',
          messageId: message.id,
          audience: 'all',
          periodicity: 'once',
          startAt: at(DateTime.now().plus({ days: 1 })),
          endAt: at(DateTime.now().plus({ days: 2 })),
        },
        changed: async () =>
          Boolean(
            await Mailing.query().where({ tenant_id: tenant.id, name: 'Fresh mailing' }).first()
          ),
      }
    },
  },
  {
    name: 'change a mailing',
    method: 'put',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const mailing = await createMailing(tenant)
      return {
        url: `/mailings/${mailing.id}`,
        form: {
          name: 'Renamed mailing',
          messageId: mailing.messageId,
          audience: 'all',
          periodicity: 'once',
          startAt: at(DateTime.now().plus({ days: 1 })),
          endAt: at(DateTime.now().plus({ days: 2 })),
        },
        changed: () => has(mailing, (r) => r.name === 'Renamed mailing'),
      }
    },
  },
  {
    name: 'delete a mailing',
    method: 'delete',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const mailing = await createMailing(tenant)
      return {
        url: `/mailings/${mailing.id}`,
        changed: () => has(mailing, (r) => r.archivedAt !== null),
      }
    },
  },
  {
    name: 'pause a mailing',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const mailing = await liveMailing(tenant)
      return {
        url: `/mailings/${mailing.id}/pause`,
        changed: () => has(mailing, (r) => r.status === 'paused'),
      }
    },
  },
  {
    name: 'resume a mailing',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => {
      const mailing = await createMailing(tenant, { status: 'paused' })
      return {
        url: `/mailings/${mailing.id}/resume`,
        changed: () => has(mailing, (r) => r.status !== 'paused'),
      }
    },
  },
  {
    name: 'send a mailing test',
    method: 'post',
    least: 'editor',
    prepare: async ({ tenant }) => ({
      url: `/mailings/${await idOf(liveMailing(tenant))}/test-send`,
    }),
  },

  // Settings: the workspace's, admins and owners
  {
    name: 'open Settings',
    method: 'get',
    least: 'viewer',
    allowedStatus: 302,
    prepare: async () => ({ url: '/settings' }),
  },
  {
    name: 'save the workspace settings',
    method: 'put',
    least: 'admin',
    prepare: async ({ tenant }) => ({
      url: '/settings/workspace',
      form: { name: 'Renamed workspace', timeZone: 'Europe/Paris' },
      changed: () => has(tenant, (r) => r.name === 'Renamed workspace'),
    }),
  },
  {
    name: 'save the sender',
    method: 'put',
    least: 'admin',
    prepare: async ({ tenant }) => ({
      url: '/settings/sending',
      form: { senderName: 'Renamed Sender' },
      changed: () => has(tenant, (r) => (r as any).senderName === 'Renamed Sender'),
    }),
  },
  {
    name: 'add a sending domain',
    method: 'post',
    least: 'admin',
    prepare: async ({ tenant }) => ({
      url: '/settings/sending/domains',
      form: { domain: `mail-${unique()}.example.com` },
      changed: async () => (await countOf('sending_domains', tenant.id)) > 0,
    }),
  },
  {
    name: 'check a sending domain',
    method: 'post',
    least: 'admin',
    prepare: async ({ tenant }) => {
      const domain = await AddSendingDomain.handle(
        await ownerActorOf(tenant),
        tenant,
        `check-${unique()}.invalid`
      )
      return {
        url: `/settings/sending/domains/${domain.id}/check`,
        changed: () => has(domain, (r) => r.checkedAt !== null),
        // (the check asks the DNS: whether it answers is not this table's business)
        effectWhenAllowed: false,
      }
    },
  },
  {
    name: 'remove a sending domain',
    method: 'delete',
    least: 'admin',
    prepare: async ({ tenant }) => {
      const domain = await AddSendingDomain.handle(
        await ownerActorOf(tenant),
        tenant,
        `gone-${unique()}.example.com`
      )
      return {
        url: `/settings/sending/domains/${domain.id}`,
        changed: () => gone(SendingDomain, domain.id),
      }
    },
  },
  {
    name: 'save the SMTP server',
    method: 'put',
    least: 'admin',
    // (an unreachable host: allowed roles get the form back)
    prepare: async () => ({
      url: '/settings/smtp',
      form: { host: 'smtp.invalid', port: '587', tlsMode: 'starttls', poolSize: '1' },
    }),
  },
  {
    name: 'remove the SMTP server',
    method: 'delete',
    least: 'admin',
    prepare: async () => ({ url: '/settings/smtp' }),
  },
  {
    name: 'test the SMTP server',
    method: 'post',
    least: 'admin',
    prepare: async () => ({ url: '/settings/smtp/test' }),
  },
  {
    name: 'add a webhook',
    method: 'post',
    least: 'admin',
    prepare: async ({ tenant }) => ({
      url: '/settings/webhooks',
      form: {
        url: 'https://hooks.example.com/fresh',
        events: ['client.unsubscribed'],
        enabled: 'false',
      },
      changed: async () => (await countOf('webhook_endpoints', tenant.id)) > 0,
    }),
  },
  {
    name: 'change a webhook',
    method: 'put',
    least: 'admin',
    prepare: async ({ tenant }) => {
      const endpoint = await webhookOf(tenant)
      return {
        url: `/settings/webhooks/${endpoint.id}`,
        form: {
          url: 'https://hooks.example.com/changed',
          events: ['client.unsubscribed'],
          enabled: 'false',
        },
        changed: () => has(endpoint, (r) => r.url === 'https://hooks.example.com/changed'),
      }
    },
  },
  {
    name: 'delete a webhook',
    method: 'delete',
    least: 'admin',
    prepare: async ({ tenant }) => {
      const endpoint = await webhookOf(tenant)
      return {
        url: `/settings/webhooks/${endpoint.id}`,
        changed: () => gone(WebhookEndpoint, endpoint.id),
      }
    },
  },
  {
    name: 'rotate a webhook’s secret',
    method: 'post',
    least: 'admin',
    prepare: async ({ tenant }) => {
      const endpoint = await webhookOf(tenant)
      const before = endpoint.secret
      return {
        url: `/settings/webhooks/${endpoint.id}/rotate-secret`,
        changed: () => has(endpoint, (r) => r.secret !== before),
      }
    },
  },
  {
    name: 'test a webhook',
    method: 'post',
    least: 'admin',
    prepare: async ({ tenant }) => ({
      url: `/settings/webhooks/${await idOf(webhookOf(tenant))}/test`,
    }),
  },
  {
    name: 'redeliver a webhook delivery',
    method: 'post',
    least: 'admin',
    // (a delivery that does not exist: allowed roles get 404, after the role check)
    allowedStatus: 404,
    prepare: async ({ tenant }) => ({
      url: `/settings/webhooks/${await idOf(webhookOf(tenant))}/deliveries/2147483646/redeliver`,
    }),
  },
]

/**
 * A member of `role` in a fresh owner's workspace, acting in it.
 */
async function sceneFor(role: WorkspaceRole): Promise<Scene> {
  const { user: owner, tenant } = await createUser()
  if (role === 'owner') return { tenant, owner, actor: owner }
  const { user: actor } = await createUser()
  await Membership.create({ tenantId: tenant.id, userId: actor.id, role })
  actor.lastTenantId = tenant.id
  await actor.save()
  return { tenant, owner, actor }
}

async function send(client: ApiClient, row: Row, actor: User, prepared: Prepared) {
  if (row.method === 'get') return client.get(prepared.url).loginAs(actor).redirects(0)
  const request = submitForm(client, row.method, prepared.url, prepared.form ?? {}).loginAs(actor)
  if (row.json) request.header('Accept', 'application/json')
  return request
}

test.group('Workspace roles: every route', () => {
  for (const role of WORKSPACE_ROLES) {
    for (const row of rows) {
      const allowed = roleAtLeast(role, row.least)
      test(`${role} ${allowed ? 'may' : 'may not'} ${row.name}`, async ({ client, assert }) => {
        const scene = await sceneFor(role)
        const prepared = await row.prepare(scene)
        const response = await send(client, row, scene.actor, prepared)

        if (!allowed) {
          response.assertStatus(403)
        } else {
          const expected = row.allowedStatus ?? (row.method === 'get' ? 200 : 302)
          assert.equal(
            response.status(),
            expected,
            `${row.method.toUpperCase()} ${prepared.url} answered ${response.status()}`
          )
          if (response.status() === 302) {
            assert.notInclude(response.header('location') ?? '', '/login')
          }
        }
        if (prepared.changed && (!allowed || prepared.effectWhenAllowed !== false)) {
          assert.equal(await prepared.changed(), allowed, 'the effect')
        }
      })
    }
  }

  test('Settings lands admins on the workspace’s settings and everyone else on their profile', async ({
    client,
  }) => {
    for (const role of WORKSPACE_ROLES) {
      const { actor } = await sceneFor(role)
      const response = await client.get('/settings').loginAs(actor).redirects(0)
      response.assertHeader(
        'location',
        roleAtLeast(role, 'admin') ? '/settings/workspace' : '/settings/profile'
      )
    }
  })

  test('a refusal by role says why, and pages hide what the role cannot use', async ({
    client,
    assert,
  }) => {
    const { actor, tenant } = await sceneFor('viewer')
    const refused = await submitForm(client, 'post', '/clients', {
      email: 'nope@example.com',
    }).loginAs(actor)
    refused.assertStatus(403)
    assert.include(refused.text(), 'editor role')

    const [client1] = await createClients(tenant, 1)
    const message = await createMessage(tenant)
    const mailing = await createMailing(tenant)
    for (const [path, hidden] of [
      ['/clients', ['/clients/create', `/clients/${client1.id}/edit`, '/clients/import']],
      ['/messages', ['/messages/create']],
      [`/messages/${message.id}`, [`/messages/${message.id}/edit`]],
      ['/mailings', ['/mailings/create']],
      [`/mailings/${mailing.id}`, [`/mailings/${mailing.id}/edit`]],
      ['/settings/profile', ['/settings/workspace', '/settings/webhooks', '/settings/smtp']],
    ] as const) {
      const page = await client.get(path).loginAs(actor)
      page.assertStatus(200)
      for (const link of hidden) {
        assert.notInclude(page.text(), `href="${link}"`, `${path} links to ${link}`)
      }
    }
  })
})

/*
| The API, with a token of each role that was given every ability: the
| role caps what the token does (LEAST_ROLE_FOR_ABILITY).
*/
const apiCalls: Array<{
  name: string
  least: WorkspaceRole
  call: (client: ApiClient, token: string, tenant: Tenant) => Promise<{ status(): number }>
}> = [
  {
    name: 'list clients',
    least: 'viewer',
    call: (c, t) => c.get('/api/v1/clients').bearerToken(t),
  },
  {
    name: 'list messages',
    least: 'viewer',
    call: (c, t) => c.get('/api/v1/messages').bearerToken(t),
  },
  {
    name: 'list mailings',
    least: 'viewer',
    call: (c, t) => c.get('/api/v1/mailings').bearerToken(t),
  },
  {
    name: 'list suppressions',
    least: 'viewer',
    call: (c, t) => c.get('/api/v1/suppressions').bearerToken(t),
  },
  { name: 'list tags', least: 'viewer', call: (c, t) => c.get('/api/v1/tags').bearerToken(t) },
  {
    name: 'add a client',
    least: 'editor',
    call: (c, t) =>
      c
        .post('/api/v1/clients')
        .bearerToken(t)
        .json({ email: `api-${unique()}@example.com` }),
  },
  {
    name: 'write a message',
    least: 'editor',
    call: (c, t) =>
      c
        .post('/api/v1/messages')
        .bearerToken(t)
        .json({ subject: 'From the API', bodyText: 'Hi {{ unsubscribe_url }}' }),
  },
  {
    name: 'suppress an address',
    least: 'editor',
    call: (c, t) =>
      c
        .post('/api/v1/suppressions')
        .bearerToken(t)
        .json({ email: `s-${unique()}@example.com` }),
  },
  {
    name: 'delete a client',
    least: 'editor',
    call: async (c, t, tenant) => {
      const [one] = await createClients(tenant, 1)
      return c.delete(`/api/v1/clients/${one.id}`).bearerToken(t)
    },
  },
  {
    name: 'list webhooks',
    least: 'admin',
    call: (c, t) => c.get('/api/v1/webhooks').bearerToken(t),
  },
  {
    name: 'add a webhook',
    least: 'admin',
    call: (c, t) =>
      c
        .post('/api/v1/webhooks')
        .bearerToken(t)
        .json({ url: 'https://hooks.example.com/api', events: ['client.unsubscribed'] }),
  },
]

test.group('Workspace roles: the API', () => {
  for (const role of WORKSPACE_ROLES) {
    for (const apiCall of apiCalls) {
      const allowed = roleAtLeast(role, apiCall.least)
      test(`${role}'s token with every ability ${allowed ? 'may' : 'may not'} ${apiCall.name}`, async ({
        client,
        assert,
      }) => {
        const { actor, tenant } = await sceneFor(role)
        const token = await tokenWithEveryAbility(actor, tenant)
        const response = (await apiCall.call(client, token, tenant)) as any
        if (allowed) {
          assert.isBelow(response.status(), 300, JSON.stringify(response.body()))
        } else {
          response.assertStatus(403)
          assert.equal(response.header('content-type')?.split(';')[0], 'application/problem+json')
          assert.include(response.body().detail, `${apiCall.least} role`)
        }
      })
    }
  }
})

/**
 * A token with every ability, made for the workspace the member acts in.
 */
async function tokenWithEveryAbility(actor: User, tenant: Tenant) {
  const token = await User.accessTokens.create(actor, [...TOKEN_ABILITIES], {
    name: 'all',
    tenantId: tenant.id,
  })
  return token.value!.release()
}
