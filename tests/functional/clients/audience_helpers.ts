import { randomBytes } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import Tag from '#models/tag'
import AttributeDefinition, { type AttributeType } from '#models/attribute_definition'
import Segment from '#models/segment'
import SignupForm from '#models/signup_form'
import type Tenant from '#models/tenant'
import type Client from '#models/client'
import { createMailing } from '#tests/helpers/workspace'

/**
 * A tag of the workspace, saved directly (the tag pages have their tests).
 */
export function createTag(tenant: Tenant, name: string, overrides: Partial<Tag> = {}) {
  return Tag.create({ tenantId: tenant.id, name, isTopic: false, ...overrides })
}

export function createAttribute(
  tenant: Tenant,
  key: string,
  type: AttributeType,
  choices: string[] | null = null
) {
  return AttributeDefinition.create({ tenantId: tenant.id, key, label: key, type, choices })
}

export async function tagClients(tag: Tag, clients: Client[]) {
  await db
    .table('client_tags')
    .multiInsert(clients.map((client) => ({ tag_id: tag.id, client_id: client.id })))
}

/**
 * The names of a client's tags, sorted.
 */
export async function tagNamesOf(client: Pick<Client, 'id'>) {
  const rows = await db
    .from('client_tags')
    .join('tags', 'tags.id', 'client_tags.tag_id')
    .where('client_tags.client_id', client.id)
    .orderBy('tags.name_key')
    .select('tags.name')
  return rows.map((row) => row.name as string)
}

/**
 * A client's attributes as stored.
 */
export async function attributesOf(client: Client) {
  const row = await db.from('clients').where('id', client.id).select('attributes').firstOrFail()
  return typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes
}

export async function setAttributes(client: Client, attributes: Record<string, unknown>) {
  await db
    .from('clients')
    .where('id', client.id)
    .update({ attributes: JSON.stringify(attributes) })
}

/**
 * A mailing of the workspace whose audience is the tag.
 */
export async function mailingToTag(tenant: Tenant, tag: Tag, name: string) {
  const mailing = await createMailing(tenant, { name, audience: 'tags' })
  await db.table('mailing_tags').insert({ mailing_id: mailing.id, tag_id: tag.id })
  return mailing
}

/**
 * A sign-up form of the workspace, saved directly.
 */
export function createSignupForm(tenant: Tenant, name: string) {
  return SignupForm.create({
    tenantId: tenant.id,
    name,
    publicToken: randomBytes(16).toString('hex'),
    title: name,
    askName: true,
    consentText: 'Yes, send me news',
    successText: 'Check your inbox',
    confirmedText: 'Thanks',
    confirmationSubject: 'Confirm',
    confirmationBody: 'Click {{ confirm_url }}',
    isEnabled: true,
  })
}

export function segmentOnTag(tenant: Tenant, tag: Tag, name: string) {
  return Segment.create({
    tenantId: tenant.id,
    name,
    definition: { match: 'all', conditions: [{ field: 'tags', op: 'any', tagIds: [tag.id] }] },
  })
}

export function segmentOnAttribute(tenant: Tenant, key: string, name: string) {
  return Segment.create({
    tenantId: tenant.id,
    name,
    definition: { match: 'all', conditions: [{ field: 'attribute', key, op: 'not_empty' }] },
  })
}
