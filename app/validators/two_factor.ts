import vine from '@vinejs/vine'
import hash from '@adonisjs/core/services/hash'
import type { FieldContext } from '@vinejs/vine/types'

/** A six-digit app code or a recovery code, as typed (spaces and dashes allowed). */
const secondFactor = () => vine.string().trim().minLength(6).maxLength(32)

/**
 * The user's password must match their stored hash, passed in as validator
 * metadata: turning two-factor log-in off or making new recovery codes is
 * not for whoever finds a logged-in browser.
 */
const isCurrentPassword = vine.createRule(
  async (value: unknown, _: undefined, field: FieldContext) => {
    if (typeof value !== 'string' || !field.isValid) return
    if (!(await hash.verify(field.meta.passwordHash, value))) {
      field.report('Your password is not correct', 'currentPassword', field)
    }
  }
)
const currentPassword = () => vine.string().maxLength(128).use(isCurrentPassword())

export const twoFactorChallengeValidator = vine.compile(
  vine.object({
    code: secondFactor(),
    rememberDevice: vine.boolean().optional(),
  })
)

/**
 * Setting up asks for the password: a session alone (a borrowed laptop, a
 * stolen cookie) must not be able to put its own authenticator on the
 * account and lock its owner out.
 */
export const startEnrolmentValidator = vine
  .withMetaData<{ passwordHash: string }>()
  .compile(vine.object({ password: currentPassword() }))

export const confirmEnrolmentValidator = vine.compile(
  vine.object({
    code: vine.string().trim().minLength(6).maxLength(10),
  })
)

export const disableTwoFactorValidator = vine.withMetaData<{ passwordHash: string }>().compile(
  vine.object({
    password: currentPassword(),
    code: secondFactor(),
  })
)

export const regenerateRecoveryCodesValidator = vine
  .withMetaData<{ passwordHash: string }>()
  .compile(vine.object({ password: currentPassword() }))
