import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import AttributeDefinition from '#models/attribute_definition'
import type SignupForm from '#models/signup_form'
import type Tenant from '#models/tenant'
import type { ConsentSubmission } from '#models/consent'
import { checkAttributeValues, type AttributeValues } from '#audiences/attribute_values'
import { findOrCreateTags } from '#audiences/client_tags'
import { splitTagNames, type SignupFormData } from '#validators/signup_form'

/**
 * What a sign-up form asks and gives, shared by its editor, its hosted page,
 * its snippet and the handling of a submission.
 */

/**
 * One attribute a form asks, in the form's order.
 */
export interface AskedAttribute {
  definition: AttributeDefinition
  required: boolean
  position: number
}

/**
 * The attributes a form asks, in order (position, then label): one query.
 */
export async function askedAttributesOf(
  form: Pick<SignupForm, 'id'>,
  client: QueryClientContract = db.connection()
): Promise<AskedAttribute[]> {
  const definitions = await AttributeDefinition.query({ client })
    .join(
      'signup_form_attributes',
      'signup_form_attributes.attribute_definition_id',
      'attribute_definitions.id'
    )
    .where('signup_form_attributes.signup_form_id', form.id)
    .orderBy('signup_form_attributes.position')
    .orderBy('attribute_definitions.label')
    .select(
      'attribute_definitions.*',
      'signup_form_attributes.is_required as asked_required',
      'signup_form_attributes.position as asked_position'
    )
  return definitions.map((definition) => ({
    definition,
    required: Boolean(definition.$extras.asked_required),
    position: Number(definition.$extras.asked_position),
  }))
}

/**
 * The names of the tags a form gives, sorted.
 */
export async function tagNamesOf(
  form: Pick<SignupForm, 'id'>,
  client: QueryClientContract = db.connection()
): Promise<string[]> {
  const rows = await client
    .from('signup_form_tags')
    .join('tags', 'tags.id', 'signup_form_tags.tag_id')
    .where('signup_form_tags.signup_form_id', form.id)
    .orderBy('tags.name_key')
    .select('tags.name')
  return rows.map((row) => row.name)
}

export interface FormChoices {
  /** Tag names; missing tags are created. */
  tags: string[]
  /** The workspace's own attribute definitions (the validator checked). */
  attributes: { id: number; required: boolean; position: number }[]
}

/**
 * Replaces what a form gives and asks, inside the caller's transaction.
 * Throws TagLimitError (#audiences/client_tags) when the new tags would
 * pass the workspace's limit.
 */
export async function replaceFormChoices(
  form: SignupForm,
  choices: FormChoices,
  trx: QueryClientContract
) {
  const tags = await findOrCreateTags(form.tenantId, choices.tags, trx)
  const tagIds = [...tags.values()]
  await trx.from('signup_form_tags').where('signup_form_id', form.id).delete()
  if (tagIds.length > 0) {
    await trx
      .table('signup_form_tags')
      .multiInsert(tagIds.map((tagId) => ({ signup_form_id: form.id, tag_id: tagId })))
  }
  await trx.from('signup_form_attributes').where('signup_form_id', form.id).delete()
  if (choices.attributes.length > 0) {
    await trx.table('signup_form_attributes').multiInsert(
      choices.attributes.map((asked) => ({
        signup_form_id: form.id,
        attribute_definition_id: asked.id,
        is_required: asked.required,
        position: asked.position,
      }))
    )
  }
}

/**
 * A visitor's answers to a form's attributes, checked by the one rule book
 * of attribute values (checkAttributeValues): the values to keep with the
 * consent, and the message of each refused field by its key. Answers to
 * attributes the form does not ask are ignored (a pasted snippet may be
 * older than the form).
 */
export function checkSignupAnswers(
  asked: AskedAttribute[],
  answers: Record<string, string | null | undefined> = {}
): { attributes: AttributeValues; errors: Record<string, string> } {
  const definitions = new Map(asked.map(({ definition }) => [definition.key, definition]))
  const errors: Record<string, string> = {}
  const given: Record<string, string> = {}
  for (const { definition, required } of asked) {
    const answer = Object.hasOwn(answers, definition.key) ? answers[definition.key] : null
    if (typeof answer === 'string' && answer.trim() !== '') {
      given[definition.key] = answer
    } else if (required) {
      errors[definition.key] = missingAnswer(definition)
    }
  }

  const { changes, errors: refused } = checkAttributeValues(definitions, given)
  for (const error of refused) errors[error.key] ??= error.message
  const attributes: AttributeValues = {}
  for (const [key, value] of Object.entries(changes)) {
    if (value !== null) attributes[key] = value
  }
  return { attributes, errors }
}

function missingAnswer({ type, label }: AttributeDefinition) {
  if (type === 'boolean') return `Please tick ${label}`
  if (type === 'choice') return `Please choose ${label}`
  return `Please fill in ${label}`
}

/**
 * What a consent keeps of a valid submission, applied on confirmation.
 */
export function consentSubmission(
  name: string | null | undefined,
  attributes: AttributeValues
): ConsentSubmission {
  return {
    ...(name ? { fullName: name } : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  }
}

/**
 * A form's columns and choices as its editor sends them. The editor sends
 * every field: an unticked box is absent, which means off.
 */
export function signupFormSettings(data: SignupFormData) {
  const asked = new Map<number, FormChoices['attributes'][number]>()
  for (const row of data.attributes ?? []) {
    if (row.asked && !asked.has(row.id)) {
      asked.set(row.id, {
        id: row.id,
        required: row.required ?? false,
        position: row.position ?? 0,
      })
    }
  }
  return {
    columns: {
      name: data.name,
      title: data.title,
      intro: data.intro ?? null,
      askName: data.askName ?? false,
      consentText: data.consentText,
      successText: data.successText,
      confirmedText: data.confirmedText,
      confirmationSubject: data.confirmationSubject,
      confirmationBody: data.confirmationBody,
      redirectUrl: data.redirectUrl ?? null,
      isEnabled: data.enabled ?? false,
    },
    choices: {
      tags: splitTagNames(data.tags ?? ''),
      attributes: [...asked.values()],
    } satisfies FormChoices,
  }
}

/**
 * What a new form starts with, ready to use as it is: the owner changes
 * what they want rather than writing a confirmation mail from nothing.
 */
export function newSignupFormDefaults(tenant: Pick<Tenant, 'name'>) {
  return {
    name: 'Newsletter',
    title: `Subscribe to ${tenant.name}`,
    intro: null,
    askName: true,
    consentText: `I agree to receive emails from ${tenant.name}. I can unsubscribe at any time with the link in every email.`,
    successText:
      'Thank you! Check your inbox: we sent you an email with a link to confirm your subscription.',
    confirmedText: `Your subscription is confirmed. Welcome to ${tenant.name}!`,
    confirmationSubject: `Please confirm your subscription to ${tenant.name}`,
    confirmationBody:
      `Hello,\n\nPlease confirm that you want to receive emails from ${tenant.name} by opening this link:\n\n` +
      '{{ confirm_url }}\n\nIf you did not ask for this, ignore this email: you will not be subscribed.',
    redirectUrl: null,
    isEnabled: true,
  }
}
