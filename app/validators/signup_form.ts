import vine from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import type { FieldContext, Infer } from '@vinejs/vine/types'
import { TAG_NAME_MAX_LENGTH } from '#models/tag'
import { isRecordId, recordId } from '#validators/rules/record_id'
import { clientEmail, clientFullName } from '#validators/client'
import { TAG_SEPARATORS } from '#validators/client_audience'
import type { TenantMeta } from '#validators/tenant_meta'
import { oneOrMany } from '#validators/rules/one_or_many'

export const SIGNUP_FORM_NAME_MAX_LENGTH = 100
export const SIGNUP_FORM_TITLE_MAX_LENGTH = 200
export const SIGNUP_FORM_TEXT_MAX_LENGTH = 2000
export const SIGNUP_FORM_SUBJECT_MAX_LENGTH = 200
export const SIGNUP_FORM_BODY_MAX_LENGTH = 5000
export const SIGNUP_FORM_REDIRECT_MAX_LENGTH = 2000
/** Tags a form gives, attributes it asks: a form is short. */
export const SIGNUP_FORM_MAX_TAGS = 20
export const SIGNUP_FORM_MAX_ATTRIBUTES = 20
/**
 * The attribute values a submission may carry: more than a form asks (a
 * snippet pasted before a question was dropped still sends it), but few,
 * so a post cannot make the server read a record of thousands of keys.
 */
export const SIGNUP_SUBMISSION_MAX_ATTRIBUTE_KEYS = 50

/**
 * The link placeholder of a confirmation mail, however it is spaced: a mail
 * without it could never be confirmed.
 */
export const CONFIRM_URL_PLACEHOLDER = /\{\{\s*confirm_url\s*\}\}/

const withConfirmUrl = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (typeof value !== 'string' || CONFIRM_URL_PLACEHOLDER.test(value)) return
  // The placeholder arrives as an argument: the messages provider would
  // read it in the message as one of its own.
  field.report(
    'Put {{ placeholder }} in the mail: it becomes the link that confirms the sign-up',
    'confirmUrl',
    field,
    { placeholder: '{{ confirm_url }}' }
  )
})

/**
 * "vip, newsletter" → ["vip", "newsletter"]: the tags a form gives, by
 * name (missing ones are created, as the API and the CSV import do), split
 * on the CSV `tags` column's separators so that no tag name holds one.
 */
const tagNames = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (typeof value !== 'string') return
  const names = splitTagNames(value)
  // eslint-disable-next-line no-control-regex
  if (names.some((name) => /[\u0000-\u001f\u007f]/.test(name))) {
    field.report('A tag name is one line of text', 'tagNames', field)
  } else if (names.some((name) => name.length > TAG_NAME_MAX_LENGTH)) {
    field.report(`A tag name has at most ${TAG_NAME_MAX_LENGTH} characters`, 'tagNames', field)
  } else if (names.length > SIGNUP_FORM_MAX_TAGS) {
    field.report(`A form gives at most ${SIGNUP_FORM_MAX_TAGS} tags`, 'tagNames', field)
  }
})

export function splitTagNames(value: string) {
  const names = value
    .split(TAG_SEPARATORS)
    .map((name) => name.trim())
    .filter(Boolean)
  return [...new Map(names.map((name) => [name.toLowerCase(), name])).values()]
}

/** What a ticked box sends (vine.boolean() reads these as true). */
const TICKED = new Set<unknown>([true, 1, '1', 'true', 'on'])

/**
 * The attributes a form asks must be the workspace's own (another
 * workspace's id is refused beside the field, as a mailing's message is),
 * and a few. Array rules see the rows as sent, before their own fields are
 * read, hence the loose reading of ids and ticks.
 */
const askableAttributes = vine.createRule(async (value: unknown, _: undefined, field) => {
  if (!Array.isArray(value) || !field.isValid) return
  const rows = value.filter(
    (row): row is Record<string, unknown> => !!row && typeof row === 'object'
  )
  if (rows.filter((row) => TICKED.has(row.asked as string)).length > SIGNUP_FORM_MAX_ATTRIBUTES) {
    field.report(
      `A form asks at most ${SIGNUP_FORM_MAX_ATTRIBUTES} attributes`,
      'maxAttributes',
      field
    )
    return
  }
  const ids = [...new Set(rows.map((row) => Number(row.id)).filter(isRecordId))]
  if (ids.length === 0) return
  const { tenantId } = field.meta as TenantMeta
  const [{ total }] = await db
    .from('attribute_definitions')
    .where('tenant_id', tenantId)
    .whereIn('id', ids)
    .count('* as total')
  if (Number(total) !== ids.length) {
    field.report('Choose among your own attributes', 'ownAttributes', field)
  }
})

/**
 * The form of Clients → Sign-up forms (create and edit). Pass the workspace:
 * `{ meta: tenantMeta(tenant) }`.
 */
export const signupFormValidator = vine.withMetaData<TenantMeta>().compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(SIGNUP_FORM_NAME_MAX_LENGTH),
    title: vine.string().trim().minLength(1).maxLength(SIGNUP_FORM_TITLE_MAX_LENGTH),
    intro: vine.string().trim().maxLength(SIGNUP_FORM_TEXT_MAX_LENGTH).optional(),
    askName: vine.boolean().optional(),
    tags: vine.string().trim().maxLength(2000).use(tagNames()).optional(),
    attributes: vine
      .array(
        vine.object({
          id: recordId(),
          asked: vine.boolean().optional(),
          required: vine.boolean().optional(),
          position: vine.number().withoutDecimals().range([0, 999]).optional(),
        })
      )
      .parse(oneOrMany)
      .maxLength(500)
      .use(askableAttributes())
      .optional(),
    consentText: vine.string().trim().minLength(1).maxLength(SIGNUP_FORM_TEXT_MAX_LENGTH),
    successText: vine.string().trim().minLength(1).maxLength(SIGNUP_FORM_TEXT_MAX_LENGTH),
    confirmedText: vine.string().trim().minLength(1).maxLength(SIGNUP_FORM_TEXT_MAX_LENGTH),
    confirmationSubject: vine
      .string()
      .trim()
      .minLength(1)
      .maxLength(SIGNUP_FORM_SUBJECT_MAX_LENGTH)
      .regex(/^[^\r\n]*$/),
    confirmationBody: vine
      .string()
      .trim()
      .minLength(1)
      .maxLength(SIGNUP_FORM_BODY_MAX_LENGTH)
      .use(withConfirmUrl()),
    redirectUrl: vine
      .string()
      .trim()
      .maxLength(SIGNUP_FORM_REDIRECT_MAX_LENGTH)
      .url({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
      .optional(),
    enabled: vine.boolean().optional(),
  })
)

export type SignupFormData = Infer<typeof signupFormValidator>

/**
 * A visitor's submission, before the form's own questions are checked
 * (checkSignupAnswers of #audiences/signup_forms): the address, the name
 * and the attribute values by key (text, as a form posts them). The
 * honeypot is looked at before, by the controller.
 */
export const signupSubmissionValidator = vine.compile(
  vine.object({
    email: clientEmail(),
    name: clientFullName().optional(),
    attributes: vine
      .record(vine.string().maxLength(1000).optional())
      .maxLength(SIGNUP_SUBMISSION_MAX_ATTRIBUTE_KEYS)
      .optional(),
  })
)

export type SignupSubmissionData = Infer<typeof signupSubmissionValidator>
