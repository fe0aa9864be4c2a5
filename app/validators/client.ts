import vine from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import type { FieldContext } from '@vinejs/vine/types'
import apiConfig from '#config/api'
import { isJsonCursor, pageFields } from '#services/database/pagination'
import { recordId } from '#validators/rules/record_id'
import { MAX_TAGS_PER_WORKSPACE } from '#audiences/client_tags'
import { CLIENT_STATES } from '#models/client'
import type Client from '#models/client'
import type Tenant from '#models/tenant'
import { tenantMeta, type TenantMeta } from '#validators/tenant_meta'
import {
  attributeChanges,
  audienceMeta,
  clientAudienceFields,
  type AudienceMeta,
} from '#validators/client_audience'
import { workspaceTags } from '#validators/rules/workspace_tags'
import { oneOrMany } from '#validators/rules/one_or_many'

/**
 * The rules of a client's fields, shared by the form and the CSV import so a
 * row the form would refuse is refused by the import too.
 */
export const CLIENT_EMAIL_MAX_LENGTH = 254
export const CLIENT_FULL_NAME_MAX_LENGTH = 200
export const CLIENT_COMMENT_MAX_LENGTH = 2000

export const clientEmail = () =>
  vine.string().trim().toLowerCase().email().maxLength(CLIENT_EMAIL_MAX_LENGTH)
export const clientFullName = () => vine.string().trim().maxLength(CLIENT_FULL_NAME_MAX_LENGTH)
export const clientComment = () => vine.string().trim().maxLength(CLIENT_COMMENT_MAX_LENGTH)

type ClientFormMeta = TenantMeta & { clientId?: number }

/**
 * The metadata of a client's validators, form and API alike: the
 * workspace's (tenantMeta), its attribute definitions (audienceMeta) and,
 * when editing, the client's id (its own email is not a duplicate). Pass
 * `{ meta: await clientMeta(tenant, client) }`.
 */
export async function clientMeta(
  tenant: Tenant,
  client?: Pick<Client, 'id'>
): Promise<ClientFormMeta & AudienceMeta> {
  return { ...tenantMeta(tenant), ...(await audienceMeta(tenant)), clientId: client?.id }
}

/**
 * An email is unique inside a workspace (another workspace may have the same
 * client). The email is already trimmed and lower-cased, as it is stored.
 * A rule of its own rather than Lucid's `unique`, whose message key is the
 * one of the sign-up form ("An account with this email...").
 *
 * Creating a client over an address still pending (a form's sign-up, not
 * confirmed) is allowed: CreateClient takes that client over and subscribes
 * it. Renaming another client to it is not.
 */
const uniqueInWorkspace = vine.createRule(
  async (value: unknown, _: undefined, field: FieldContext) => {
    if (typeof value !== 'string' || !field.isValid) return
    const { tenantId, clientId } = field.meta as ClientFormMeta

    const taken = db.from('clients').select('id').where('tenant_id', tenantId).where('email', value)
    if (clientId) taken.whereNot('id', clientId)
    else taken.whereNull('pending_at')

    if (await taken.first()) {
      field.report(
        'A client with this email already exists in your workspace',
        'client.email.unique',
        field
      )
    }
  }
)

/**
 * A client written over the API (`POST /clients`, `PUT /clients/{id}`): the
 * form's fields, plus tags to add or remove by name and attributes to set or
 * clear. Pass `{ meta: await clientMeta(tenant, client) }`.
 */
export const apiClientValidator = vine.withMetaData<ClientFormMeta & AudienceMeta>().compile(
  vine.object({
    email: clientEmail().use(uniqueInWorkspace()),
    fullName: clientFullName().optional(),
    comment: clientComment().optional(),
    ...clientAudienceFields(),
  })
)

/**
 * The web app's create and edit form: the client's fields, its tags (the
 * ticked ones; none ticked means none) and its attributes (`attributes[company]`,
 * checked as the API's are, each refusal beside its own input). Pass
 * `{ meta: await clientMeta(tenant, client) }`.
 */
export const clientFormValidator = vine.withMetaData<ClientFormMeta & AudienceMeta>().compile(
  vine.object({
    email: clientEmail().use(uniqueInWorkspace()),
    fullName: clientFullName().optional(),
    comment: clientComment().optional(),
    tagIds: vine
      .array(recordId())
      .parse(oneOrMany)
      .maxLength(MAX_TAGS_PER_WORKSPACE)
      .distinct()
      .use(workspaceTags())
      .optional(),
    attributes: attributeChanges().optional(),
  })
)

export const CLIENT_SORTS = ['email', 'name', 'created'] as const
export type ClientSort = (typeof CLIENT_SORTS)[number]
export const SORT_DIRECTIONS = ['asc', 'desc'] as const
export type SortDirection = (typeof SORT_DIRECTIONS)[number]

/**
 * A filter left at "any" arrives as an empty parameter: no filter.
 */
const blankAsAbsent = (value: unknown) => (value === '' ? undefined : value)

/**
 * The list's search and filters (a tag, a segment, a state): of the list's
 * query string, and of the bulk bar's "every client in this list". The tag
 * and segment must be the workspace's: the controller finds them from the
 * workspace (another's answers 404).
 */
export const clientListFilterFields = () => ({
  q: vine.string().trim().maxLength(CLIENT_EMAIL_MAX_LENGTH).optional(),
  tag: recordId().parse(blankAsAbsent).optional(),
  segment: recordId().parse(blankAsAbsent).optional(),
  state: vine.enum(CLIENT_STATES).parse(blankAsAbsent).optional(),
})

/**
 * The list's query string: search, filters, sort and the keyset cursors.
 */
export const clientListValidator = vine.compile(
  vine.object({
    ...clientListFilterFields(),
    sort: vine.enum(CLIENT_SORTS).optional(),
    dir: vine.enum(SORT_DIRECTIONS).optional(),
    after: vine.string().maxLength(1000).optional(),
    before: vine.string().maxLength(1000).optional(),
  })
)

/**
 * `GET /clients/search?q=` for the mailing form's client picker.
 */
export const clientSearchValidator = vine.compile(
  vine.object({
    q: vine.string().trim().maxLength(CLIENT_EMAIL_MAX_LENGTH).optional(),
  })
)

/**
 * The ids ticked in the list. Ids of other workspaces pass this validator
 * but are never deleted: the deletion itself is rooted at the workspace.
 */
export const BULK_DELETE_MAX = 500

export const bulkDeleteClientsValidator = vine.compile(
  vine.object({
    ids: vine.array(recordId()).parse(oneOrMany).minLength(1).maxLength(BULK_DELETE_MAX).distinct(),
  })
)

/**
 * The API's list query: search, filters (`tag_id`, `segment_id`, `state`),
 * page size and opaque cursor.
 */
export const apiClientListValidator = vine.compile(
  vine.object({
    q: vine.string().trim().maxLength(CLIENT_EMAIL_MAX_LENGTH).optional(),
    tag_id: recordId().parse(blankAsAbsent).optional(),
    segment_id: recordId().parse(blankAsAbsent).optional(),
    state: vine.enum(CLIENT_STATES).parse(blankAsAbsent).optional(),
    ...pageFields(isJsonCursor),
  })
)

/**
 * `POST /api/v1/clients/bulk`: the envelope. Each item is then checked on
 * its own (clientImportRowValidator), so one bad item does not fail the rest.
 */
export const bulkUpsertClientsValidator = vine.compile(
  vine.object({
    clients: vine.array(vine.any()).minLength(1).maxLength(apiConfig.bulkMaxItems),
  })
)
