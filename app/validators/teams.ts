import vine from '@vinejs/vine'
import { WORKSPACE_ROLES } from '#teams/workspace_roles'
import { newPassword } from '#validators/rules/password'
import { fullName } from '#validators/rules/full_name'

const role = () => vine.enum(WORKSPACE_ROLES)

export const inviteMemberValidator = vine.compile(
  vine.object({
    email: vine.string().trim().toLowerCase().email().maxLength(254),
    role: role(),
    // "Resend": replaces a pending invitation to the same address.
    resend: vine.boolean().optional(),
  })
)

export const changeMemberRoleValidator = vine.compile(vine.object({ role: role() }))

export const transferOwnershipValidator = vine.compile(
  vine.object({ stepDown: vine.boolean().optional() })
)

/**
 * An account made from an invitation link: its email is the invitation's.
 */
export const invitationSignUpValidator = vine.compile(
  vine.object({
    fullName: fullName(),
    password: newPassword().confirmed({ confirmationField: 'passwordConfirmation' }),
  })
)
