import type Mailing from '#models/mailing'
import type Message from '#models/message'
import type Post from '#models/post'
import type { Role } from '#models/user'
import type { WorkspaceRole } from '#teams/workspace_roles'
import type { EndReason } from '#services/accounts/active_sessions'
import type { AudienceUsage } from '#audiences/usage'

/**
 * The sentences a page shows after a redirect (the `success` and `error`
 * flash messages of components/flash.edge), grouped by what they are about,
 * so the wording is read and kept consistent in one place and controllers
 * only choose one. They are finished here, not in a view, because the page
 * that shows them knows nothing but the flash; tests assert them word for
 * word. (A refusal an action throws, such as a throttled log-in, carries its
 * own sentence, and the controller flashes that.)
 */
export const flashMessages = {
  account: {
    emailConfirmed: 'Your email address is confirmed. Thank you!',
    confirmationResent: (email: string) =>
      `A new confirmation link is on its way to ${email}, unless too many were sent ` +
      `there in the last hour: then try again later.`,
    wrongCredentials: 'Wrong email or password.',
    loggedOut: 'You are logged out.',
    loggedOutBecause: {
      blocked: 'Your account has been blocked. Contact support if you think this is a mistake.',
      ended: 'This session was ended. Please log in again.',
    } satisfies Record<EndReason, string>,
    resetRequested: (email: string) =>
      `If an account uses ${email}, a reset link is on its way. It works once, for one hour. ` +
      `(We send only a few an hour to one address: if none arrives, try again later.)`,
    passwordReset: 'Your password has been changed. You can log in with it now.',
    profileSaved: 'Your profile is saved.',
    passwordChanged: 'Your password has been changed. You are logged out everywhere else.',
    sessionEnded: 'That session is logged out.',
    otherSessionsEnded: (ended: number) =>
      `You are logged out everywhere else (${ended} ${ended === 1 ? 'session' : 'sessions'}).`,
    tokenRevoked: 'The token is revoked. Programs using it are refused from now on.',
    workspaceSaved: 'Your workspace settings are saved.',
  },

  workspaces: {
    created: (name: string) => `${name} is ready: you are its owner.`,
    deleted: (name: string) => `${name} and everything in it are deleted.`,
  },

  clients: {
    added: (email: string) => `${email} is added to your clients.`,
    addedSuppressed: (email: string) =>
      `${email} is added to your clients, but it is on your suppression list: no mailing will reach it.`,
    saved: (email: string) => `${email} is saved.`,
    deleted: (email: string) => `${email} is deleted.`,
    deletedCount: (deleted: number) =>
      deleted === 1 ? '1 client is deleted.' : `${deleted} clients are deleted.`,
    noneLeftToDelete: 'None of the selected clients exists any more.',
  },

  tags: {
    added: (name: string) => `The tag “${name}” is added.`,
    saved: (name: string) => `The tag “${name}” is saved.`,
    deleted: (name: string) => `The tag “${name}” is deleted. Its clients no longer have it.`,
    notDeleted: (name: string, usedBy: AudienceUsage) =>
      `The tag “${name}” cannot be deleted: it is used by ${usageList(usedBy)}. ` +
      'Take it out of them first.' +
      (usedBy.mailings.some((mailing) => mailing.archived)
        ? ' Archived mailings keep the tags they were sent to, for their history.'
        : ''),
    addedToClients: (name: string, changed: number) =>
      changed === 0
        ? `These clients already have the tag “${name}”.`
        : `The tag “${name}” is added to ${clientCount(changed)}.`,
    removedFromClients: (name: string, changed: number) =>
      changed === 0
        ? `None of these clients has the tag “${name}”.`
        : `The tag “${name}” is removed from ${clientCount(changed)}.`,
  },

  attributes: {
    added: (label: string) => `The attribute “${label}” is added to the client form.`,
    saved: (label: string) => `The attribute “${label}” is saved.`,
    deleted: (label: string, cleared: number) =>
      `The attribute “${label}” is deleted` +
      (cleared > 0 ? `, and its value is cleared from ${clientCount(cleared)}.` : '.'),
    notDeleted: (label: string, usedBy: AudienceUsage) =>
      `The attribute “${label}” cannot be deleted: it is used by ${usageList(usedBy)}. ` +
      'Take it out of them first.',
  },

  suppressions: {
    added: (email: string) => `${email} is on the suppression list: no mailing will reach it.`,
    already: (email: string) => `${email} was already on the suppression list.`,
    removed: (email: string) =>
      `${email} is off the suppression list: mailings may reach it again.`,
    keptUnsubscribed: (email: string) =>
      `${email} had also unsubscribed: it stays on the list as unsubscribed.`,
    unsubscribeNotRemovable: (email: string) =>
      `${email} unsubscribed: only they can subscribe again, so it stays on the list.`,
    confirmComplaint: (email: string) =>
      `${email} reported your mail as spam. Tick the box to confirm they want it again.`,
  },

  signupForms: {
    created: (name: string) =>
      `The form “${name}” is saved. Share its address or paste its snippet on your site.`,
    saved: (name: string) => `The form “${name}” is saved.`,
    deleted: (name: string) =>
      `The form “${name}” is deleted: its page and snippet stop working. Its consent records are kept.`,
    tokenRegenerated:
      'The form has a new address: the old page and the snippets pasted with it stop working. Paste the new snippet.',
  },

  messages: {
    created: 'Your message is saved. Here is how it looks.',
    saved: 'Your changes are saved.',
    duplicated: 'This is your copy. Change what you need and save it.',
    deleted: (message: Pick<Message, 'subject'>) => `The message “${message.subject}” is deleted.`,
    notDeleted: (usedBy: UsedBy) => whyNotDeleted(usedBy, USED_AS.message),
    testSent: (to: string) => `A test is on its way to ${to}. It can take a minute to arrive.`,
  },

  mailings: {
    scheduled: (mailing: Pick<Mailing, 'name'>) => `Mailing "${mailing.name}" is scheduled.`,
    saved: (mailing: Pick<Mailing, 'name'>) => `Mailing "${mailing.name}" is saved.`,
    archived: (mailing: Pick<Mailing, 'name'>) =>
      `Mailing "${mailing.name}" is deleted. Its history is kept in the archive.`,
    paused: (mailing: Pick<Mailing, 'name'>) =>
      `Mailing "${mailing.name}" is paused. Nothing more is sent until you resume it.`,
    resumed: (mailing: Pick<Mailing, 'name'>) => `Mailing "${mailing.name}" is resumed.`,
    disabled: (mailing: Pick<Mailing, 'name'>) =>
      `Mailing "${mailing.name}" is disabled: it sends nothing more.`,
    enabled: (mailing: Pick<Mailing, 'name' | 'status'>) =>
      `Mailing "${mailing.name}" is enabled again (${mailing.status}).`,
  },

  webhooks: {
    added: 'The endpoint is added. Verify its signatures with the secret below.',
    saved: 'The endpoint is saved.',
    deleted: (url: string) => `The endpoint ${url} is deleted.`,
    secretRotated: 'The secret is replaced. Give the new one to your receiver.',
    testSent: (messageId: string) => `Test event ${messageId} is on its way; it appears below.`,
    enableFirst: 'Enable the endpoint first: a disabled endpoint receives nothing.',
    redelivering: (messageId: string) => `Message ${messageId} will be sent again in a moment.`,
    alreadyWaiting: (messageId: string) => `Message ${messageId} is already waiting to be sent.`,
  },

  segments: {
    created: (name: string) => `The segment “${name}” is saved.`,
    saved: (name: string) => `The segment “${name}” is saved.`,
    deleted: (name: string) => `The segment “${name}” is deleted.`,
    notDeleted: (usedBy: UsedBy) => whyNotDeleted(usedBy, USED_AS.segment),
    limitReached: (max: number) =>
      `A workspace has at most ${max} segments: delete one you no longer use first.`,
  },

  smtpServer: {
    saved: 'The SMTP server is saved: your mailings go through it from their next batch.',
    removed: 'Your mailings go through the platform’s mail server again.',
    saveFirst: 'Save your server’s settings first, then test them.',
    turnedOff:
      'The operator has turned off workspaces’ own SMTP servers: mail goes through the platform’s server.',
  },

  sending: {
    identitySaved: 'The sender is saved.',
    domainAdded: (domain: string) =>
      `${domain} is added. Publish the records below at your DNS host, then check it.`,
    domainVerified: (domain: string) =>
      `${domain} is verified: mail from it is signed with its key.`,
    domainNotYet: (domain: string) =>
      `${domain} is not verified yet: the ownership and DKIM records must both be found. DNS changes can take a while to show.`,
    domainLost: (domain: string) =>
      `${domain} is no longer verified: its ownership or DKIM record is gone or changed. Mail goes from our address until it is back.`,
    domainRemoved: (domain: string) => `${domain} is removed.`,
  },

  staff: {
    userBlocked: (email: string) => `${email} is blocked and will be logged out.`,
    userUnblocked: (email: string) => `${email} is unblocked.`,
    roleChanged: (email: string, role: Role) => `${email} is now ${role.replace('_', ' ')}.`,
    postSaved: (post: Pick<Post, 'title' | 'state'>) =>
      `Post “${post.title}” is saved (${post.state}).`,
    postPublished: (post: Pick<Post, 'title'>) => `Post “${post.title}” is published.`,
    postUnpublished: (post: Pick<Post, 'title'>) =>
      `Post “${post.title}” is back to draft: it is off the blog.`,
    postDeleted: (post: Pick<Post, 'title'>) => `Post “${post.title}” is deleted.`,
  },

  // Also the code field's error (wrongCode) and the security page's
  // redirect (requiredBy, from the tenant middleware).
  twoFactor: {
    unverified:
      'Confirm your email address first (the link we mailed you): two-factor log-in is set up on an account whose address is proven.',
    wrongCode:
      'That code is not right, or was used already. Enter the current code from your app, or a recovery code.',
    loginExpired: 'Please log in again: the code was not entered within ten minutes.',
    enabled: 'Two-factor log-in is on. Save your recovery codes now: they are shown only once.',
    disabled: 'Two-factor log-in is off. Remembered devices were forgotten.',
    alreadyEnabled: 'Two-factor log-in is already on.',
    notStarted: 'Start the set-up first.',
    codesRegenerated: 'New recovery codes are ready; the old ones no longer work. Save these now.',
    deviceForgotten: 'That device will be asked for a code at its next log-in.',
    usedRecoveryCode: (left: number) =>
      `You logged in with a recovery code; ${left} left. Make new ones on the Security page if you are running out.`,
    adminFirst:
      'Turn on two-factor log-in for yourself first (Settings → Security), then require it of the members.',
    requiredBy: (workspace: string) =>
      `${workspace} requires its members to use two-factor log-in. Set it up here to keep working in it.`,
  },

  members: {
    invited: (email: string) =>
      `An invitation is on its way to ${email}. Its link works once, for 7 days.`,
    invitationRevoked: (email: string) =>
      `The invitation to ${email} is revoked: its link no longer works.`,
    roleChanged: (email: string, role: WorkspaceRole) => `${email} is now ${role}.`,
    removed: (email: string) =>
      `${email} is removed from this workspace, with the API tokens they made for it.`,
    ownershipTransferred: (email: string) => `${email} is now an owner of this workspace.`,
    left: (workspace: string) => `You left ${workspace}.`,
    joined: (workspace: string, role: WorkspaceRole) =>
      `Welcome to ${workspace}: you joined it as ${role}.`,
  },
}

const MAILING_NAMES_SHOWN = 5

/**
 * "This message cannot be deleted: it is used by the mailings “A” and “B”…",
 * with advice that fits. The page it leads to lists and links them all.
 */
type UsedBy = { current: Mailing[]; archived: Mailing[] }

/**
 * What a mailing uses that cannot be deleted under it, and what to do.
 */
const USED_AS = {
  message: {
    thing: 'message',
    advice: (one: boolean) =>
      `Choose another message for ${one ? 'that mailing' : 'those mailings'} first.`,
    archived: 'Archived mailings keep the message they sent, for their history.',
  },
  segment: {
    thing: 'segment',
    advice: (one: boolean) =>
      `Choose another audience for ${one ? 'that mailing' : 'those mailings'} first.`,
    archived: 'Archived mailings keep the segment they were sent to, for their history.',
  },
}

function whyNotDeleted(usedBy: UsedBy, usedAs: (typeof USED_AS)[keyof typeof USED_AS]) {
  const all = [...usedBy.current, ...usedBy.archived]
  const names = all
    .slice(0, MAILING_NAMES_SHOWN)
    .map((mailing) => `“${mailing.name}”${mailing.archivedAt ? ' (archived)' : ''}`)
  if (all.length > names.length) names.push(`${all.length - names.length} more`)
  const list = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(names)

  const sentences = [
    `This ${usedAs.thing} cannot be deleted: it is used by ${all.length === 1 ? 'the mailing' : 'the mailings'} ${list}.`,
  ]
  if (usedBy.current.length > 0) {
    sentences.push(usedAs.advice(usedBy.current.length === 1))
  }
  if (usedBy.archived.length > 0) {
    sentences.push(usedAs.archived)
  }
  return sentences.join(' ')
}

const USES_NAMED = 5

/**
 * "the mailing “Spring”, the sign-up form “Footer” and 2 more": what uses a
 * tag or an attribute, first few by name.
 */
function usageList(usedBy: AudienceUsage) {
  const all = [
    ...usedBy.mailings.map(
      (mailing) => `the mailing “${mailing.name}”${mailing.archived ? ' (archived)' : ''}`
    ),
    ...usedBy.forms.map((name) => `the sign-up form “${name}”`),
    ...usedBy.segments.map((name) => `the segment “${name}”`),
    ...usedBy.messages.map((subject) => `the message “${subject}”`),
  ]
  const names = all.slice(0, USES_NAMED)
  if (all.length > names.length) names.push(`${all.length - names.length} more`)
  return new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(names)
}

function clientCount(count: number) {
  return count === 1 ? '1 client' : `${count.toLocaleString('en')} clients`
}
