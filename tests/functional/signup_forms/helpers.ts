import type { ApiClient } from '@japa/api-client'
import type Tenant from '#models/tenant'
import AttributeDefinition, { type AttributeType } from '#models/attribute_definition'
import CreateSignupForm from '#actions/signup_forms/create_signup_form'
import { newSignupFormDefaults } from '#audiences/signup_forms'
import type { SignupFormData } from '#validators/signup_form'
import { smtp } from '#tests/helpers/peers'
import { linkIn } from '#tests/helpers/account_mail'
import { newIp, throughTrustedProxy } from '#tests/helpers/proxy'
import { postForm } from '#tests/helpers/forms'
import { waitUntil } from '#tests/helpers/wait'
import Consent from '#models/consent'
import { ownerActorOf } from '#tests/helpers/actors'

let sequence = 0

/**
 * A unique visitor address.
 */
export function visitorEmail(name = 'visitor') {
  sequence += 1
  return `${name}-${Date.now().toString(36)}-${sequence}@example.com`
}

/**
 * An attribute definition of the workspace, saved directly (its pages are
 * another feature's).
 */
export function createAttribute(
  tenant: Tenant,
  key: string,
  type: AttributeType = 'text',
  choices: string[] | null = null
) {
  return AttributeDefinition.create({
    tenantId: tenant.id,
    key,
    label: key.charAt(0).toUpperCase() + key.slice(1).replaceAll('_', ' '),
    type,
    choices,
  })
}

/**
 * A form made by the same action as the editor, with the editor's default
 * texts unless overridden. `attributes` are asked in the order given.
 */
export async function createSignupForm(
  tenant: Tenant,
  overrides: Partial<Omit<SignupFormData, 'attributes'>> & {
    attributes?: { definition: AttributeDefinition; required?: boolean }[]
  } = {}
) {
  const defaults = newSignupFormDefaults(tenant)
  const { attributes = [], ...fields } = overrides
  return CreateSignupForm.handle({
    actor: await ownerActorOf(tenant),
    tenant,
    data: {
      name: defaults.name,
      title: defaults.title,
      askName: true,
      consentText: defaults.consentText,
      successText: defaults.successText,
      confirmedText: defaults.confirmedText,
      confirmationSubject: defaults.confirmationSubject,
      confirmationBody: defaults.confirmationBody,
      enabled: true,
      ...fields,
      attributes: attributes.map(({ definition, required }, index) => ({
        id: definition.id,
        asked: true,
        required: required ?? false,
        position: index + 1,
      })),
    },
  })
}

/**
 * A visitor's plain form POST to a form (as from a snippet on another
 * site: no session, no CSRF token), from a network of its own (through
 * the trusted proxy) so per-IP limits of other tests do not count.
 */
export function submitSignup(
  client: ApiClient,
  form: { publicToken: string },
  fields: Record<string, unknown>,
  ip = newIp()
) {
  return throughTrustedProxy(
    client
      .post(`/f/${form.publicToken}`)
      .form(fields)
      .header('User-Agent', 'Mozilla/5.0 (Signup test)')
      .redirects(0),
    ip
  )
}

/**
 * The path of the confirmation link in the mail the SMTP server received
 * for `email`.
 */
export async function confirmationLinkFor(email: string, subjectIncludes?: string) {
  const mail = await smtp.waitForMailTo(email, subjectIncludes)
  return { mail, link: linkIn(mail.parsed.text, '/f/confirm/') }
}

/**
 * Follows a confirmation link as a visitor does: opens it, then presses
 * the button of the page.
 */
export async function followConfirmation(client: ApiClient, link: string) {
  const page = await client.get(link)
  const confirmed = await postForm(client, link)
  return { page, confirmed }
}

/**
 * The consent of a sign-up once the worker has recorded it (the request
 * only queues it).
 */
export function recordedConsent(tenant: { id: number }, email: string) {
  return waitUntil(`the sign-up of ${email}`, () =>
    Consent.query().where({ tenant_id: tenant.id, email }).first()
  )
}
