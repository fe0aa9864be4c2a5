import type { DateTime } from 'luxon'
import { BaseMail } from '@adonisjs/mail'
import type { WorkspaceRole } from '#teams/workspace_roles'

export interface InvitationMailData {
  email: string
  role: WorkspaceRole
  workspaceName: string
  inviterName: string
  inviterEmail: string
  invitationUrl: string
  expiresAt: DateTime
}

/**
 * An invitation to join a workspace: the link that accepts it (or makes an
 * account first). Replies go to the person who invited.
 */
export default class InvitationMail extends BaseMail {
  constructor(private data: InvitationMailData) {
    super()
  }

  prepare() {
    const view = {
      ...this.data,
      expires: this.data.expiresAt.toUTC().toFormat("d LLLL yyyy 'at' HH:mm 'UTC'"),
    }
    this.message
      .to(this.data.email)
      .replyTo(this.data.inviterEmail, this.data.inviterName)
      .subject(
        `${shorten(this.data.inviterName, 40)} invited you to ${shorten(this.data.workspaceName, 60)} on Mailings`
      )
      .htmlView('emails/invitation_html', view)
      .textView('emails/invitation_text', view)
  }
}

/**
 * Names in the subject are the inviter's own words: kept short, so a
 * subject line cannot carry a message of its own.
 */
function shorten(text: string, max: number) {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim())
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`
}
