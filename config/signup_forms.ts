import env from '#start/env'

/**
 * Public sign-up forms (/f/<token>): anyone on the internet may post to
 * them, from our hosted page or from any other site, so every cost they can
 * cause is bounded. Counts live in Redis (config/limiter.ts), shared by every
 * web process. Tests lower the limits in place.
 */
const signupFormsConfig = {
  /**
   * Submissions one client network (an IPv4 address, an IPv6 /64) may make
   * per window, to any form, valid or not: past it the visitor is asked to
   * wait (429).
   */
  submissions: {
    perIp: env.get('SIGNUP_FORM_SUBMISSIONS_PER_IP', 10),
    windowSeconds: 600,
  },

  /**
   * Confirmation mails. Past any of these the visitor sees the same "check
   * your inbox" page and no mail goes: a form must not be a way to flood an
   * inbox, nor to make a workspace's sender a spammer through a botnet.
   */
  mails: {
    /** To one address of one workspace: one per 10 minutes… */
    perAddressShort: 1,
    shortWindowSeconds: 600,
    /** …and five a day. */
    perAddressDaily: 5,
    dailyWindowSeconds: 86_400,
    /** From one workspace's forms, all addresses together, per hour. */
    perWorkspaceHourly: env.get('SIGNUP_FORM_MAILS_PER_WORKSPACE', 300),
    workspaceWindowSeconds: 3600,
    /**
     * To one mailbox, from every workspace of the platform together: the
     * limits above are per workspace, so without this one an inbox could be
     * flooded through every workspace's forms. Counted on the mailbox
     * (mailboxKey of #audiences/signup_limits), not the address typed, so
     * `me+1@`, `me+2@` and Gmail's dotted spellings all count as one.
     */
    perMailboxHourly: 3,
    mailboxHourlyWindowSeconds: 3600,
    perMailboxDaily: 10,
    mailboxDailyWindowSeconds: 86_400,
  },

  /** How long a confirmation link works. */
  confirmationTtlHours: 72,

  /**
   * Unconfirmed sign-ups are not kept: once their link has long expired
   * (its 72 hours and a grace for a mail that arrived late), the daily
   * clean-up (PurgeUnconfirmedSignups) deletes the pending clients nobody
   * confirmed and every never-confirmed consent (the IP, browser, name and
   * answers it holds), so a robot's sign-ups leave nothing behind for good.
   * Never less than the link's lifetime.
   */
  unconfirmedKeptHours: 7 * 24,

  /** How often that clean-up runs (a job scheduler on the default queue). */
  cleanupEvery: 24 * 3600 * 1000,

  /**
   * The most a submission's body may declare (a form asks an address, a
   * name and at most MAX_ASKED_ATTRIBUTES short values): larger ones are
   * refused unread (413).
   */
  maxBodyBytes: 16 * 1024,
}

export default signupFormsConfig
