import type { ConsentSubmission } from '#models/consent'
import type { PublicSignupForm } from '#actions/signup_forms/find_public_signup_form'
import { checkSignupAnswers, consentSubmission } from '#audiences/signup_forms'
import { signupSubmissionValidator } from '#validators/signup_form'
import { CONSENT_VERSION_FIELD } from '#audiences/consent_texts'

/**
 * What the visitor typed, as text only, to fill the form in again.
 */
export interface EnteredValues {
  email: string
  name: string
  attributes: Record<string, string>
}

export type SignupSubmission =
  | { kind: 'robot' }
  | { kind: 'invalid'; values: EnteredValues; errors: Record<string, string> }
  | { kind: 'valid'; email: string; submitted: ConsentSubmission; consentVersion: unknown }

/**
 * A post to a form, read: a robot (it filled the honeypot field people
 * never see, and is answered as people are, with nothing kept or sent);
 * refused, with one message per field (the email and name by the
 * validator, the answers by the form's own questions) and what was typed to
 * show the form again; or the address and what to record with its consent.
 */
export default class ReadSignupSubmission {
  static async handle(
    { form, asked }: PublicSignupForm,
    body: Record<string, unknown>
  ): Promise<SignupSubmission> {
    if (isFilled(body.website)) return { kind: 'robot' }

    const input = { email: body.email, name: body.name, attributes: body.attributes }
    const [error, data] = await signupSubmissionValidator.tryValidate(input)
    const answers = checkSignupAnswers(asked, data?.attributes ?? textRecord(input.attributes))
    const errors: Record<string, string> = {}
    for (const message of error?.messages ?? []) errors[message.field] ??= message.message
    for (const [key, message] of Object.entries(answers.errors)) {
      errors[`attributes.${key}`] ??= message
    }
    if (!data || Object.keys(errors).length > 0) {
      return { kind: 'invalid', values: enteredValues(input), errors }
    }
    return {
      kind: 'valid',
      email: data.email,
      submitted: consentSubmission(form.askName ? data.name : null, answers.attributes),
      // Which consent text the page showed: checked by SubmitSignup.
      consentVersion: body[CONSENT_VERSION_FIELD],
    }
  }
}

function isFilled(value: unknown) {
  return typeof value === 'string' ? value.trim() !== '' : value !== undefined && value !== null
}

function enteredValues(input: Record<string, unknown>): EnteredValues {
  return {
    email: typeof input.email === 'string' ? input.email : '',
    name: typeof input.name === 'string' ? input.name : '',
    attributes: textRecord(input.attributes),
  }
}

function textRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {}
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  )
}
