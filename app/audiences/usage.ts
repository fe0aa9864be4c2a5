import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { SegmentDefinition } from '#audiences/segment_definition'
import { usesAttribute } from '#sending/message_renderer'

/**
 * What refers to a tag or an attribute, by name: what a refused deletion
 * lists. Mailings include archived ones: their history says whom they were
 * sent to, and the database refuses to delete a tag a mailing row names.
 * Messages (by subject) are those whose placeholders render an attribute.
 */
export interface AudienceUsage {
  mailings: { name: string; archived: boolean }[]
  forms: string[]
  segments: string[]
  messages: string[]
}

export function isUsed(usage: AudienceUsage) {
  return (
    usage.mailings.length + usage.forms.length + usage.segments.length + usage.messages.length > 0
  )
}

/**
 * The mailings, sign-up forms and segments of the workspace that use the tag.
 */
export async function usageOfTag(
  tenantId: number,
  tagId: number,
  client: QueryClientContract = db.connection()
): Promise<AudienceUsage> {
  const mailings = await client
    .from('mailing_tags')
    .join('mailings', 'mailings.id', 'mailing_tags.mailing_id')
    .where('mailing_tags.tag_id', tagId)
    .where('mailings.tenant_id', tenantId)
    .orderBy('mailings.name')
    .select('mailings.name', 'mailings.archived_at')
  const forms = await client
    .from('signup_form_tags')
    .join('signup_forms', 'signup_forms.id', 'signup_form_tags.signup_form_id')
    .where('signup_form_tags.tag_id', tagId)
    .where('signup_forms.tenant_id', tenantId)
    .orderBy('signup_forms.name')
    .select('signup_forms.name')
  const segments = await segmentsWhere(
    tenantId,
    client,
    (condition) => condition.field === 'tags' && condition.tagIds.map(Number).includes(tagId)
  )
  return {
    mailings: mailings.map((row) => ({ name: row.name, archived: row.archived_at !== null })),
    forms: forms.map((row) => row.name as string),
    segments,
    messages: [],
  }
}

/**
 * The sign-up forms, segments and messages of the workspace that use the
 * attribute (no mailing refers to an attribute but through a segment or
 * its message).
 */
export async function usageOfAttribute(
  tenantId: number,
  definition: { id: number; key: string },
  client: QueryClientContract = db.connection()
): Promise<AudienceUsage> {
  const forms = await client
    .from('signup_form_attributes')
    .join('signup_forms', 'signup_forms.id', 'signup_form_attributes.signup_form_id')
    .where('signup_form_attributes.attribute_definition_id', definition.id)
    .where('signup_forms.tenant_id', tenantId)
    .orderBy('signup_forms.name')
    .select('signup_forms.name')
  const segments = await segmentsWhere(
    tenantId,
    client,
    (condition) => condition.field === 'attribute' && condition.key === definition.key
  )
  const messages = await messagesRendering(tenantId, definition.key, client)
  return { mailings: [], forms: forms.map((row) => row.name as string), segments, messages }
}

/**
 * The subjects of the workspace's messages with a placeholder of the
 * attribute: deleting it would leave the placeholder empty in every mail.
 * LIKE narrows the messages to those mentioning the placeholder's name
 * (`_` matching any character only lets more through); parsing each then
 * tells a placeholder from the same words in the text, and `company` from
 * `company_size`.
 */
async function messagesRendering(tenantId: number, key: string, client: QueryClientContract) {
  const mention = `%client.attributes.${key}%`
  const rows = await client
    .from('messages')
    .where('tenant_id', tenantId)
    .where((query) =>
      query
        .whereLike('subject', mention)
        .orWhereLike('body_text', mention)
        .orWhereLike('body_html', mention)
    )
    .orderBy('subject')
    .select('subject', 'body_text', 'body_html')
  return rows
    .filter((row) =>
      [row.subject, row.body_text, row.body_html].some(
        (template) => template !== null && usesAttribute(template, key)
      )
    )
    .map((row) => row.subject as string)
}

/**
 * The names of the workspace's segments with a condition that matches.
 * Segments are JSON, so they are read and looked through here; a workspace
 * has few of them and each at most SEGMENT_MAX_CONDITIONS conditions.
 */
async function segmentsWhere(
  tenantId: number,
  client: QueryClientContract,
  matches: (condition: SegmentDefinition['conditions'][number]) => boolean
) {
  const rows = await client
    .from('segments')
    .where('tenant_id', tenantId)
    .orderBy('name')
    .select('name', 'definition')
  return rows
    .filter((row) => {
      const definition = parseDefinition(row.definition)
      return definition.conditions.some(matches)
    })
    .map((row) => row.name as string)
}

function parseDefinition(raw: unknown): SegmentDefinition {
  try {
    const definition = typeof raw === 'string' ? JSON.parse(raw) : raw
    if (definition && Array.isArray(definition.conditions)) return definition
  } catch {
    // Not JSON: a segment nobody could have saved; it uses nothing.
  }
  return { match: 'all', conditions: [] }
}
