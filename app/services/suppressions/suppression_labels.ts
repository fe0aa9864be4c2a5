import type { SuppressionReason } from '#models/suppression'

/**
 * How the pages name a suppression's reason: the Suppressions page's
 * column and filter, and the badge of a client whose address is suppressed
 * (the clients list, one word and a colour).
 */
export const SUPPRESSION_LABELS: Record<SuppressionReason, string> = {
  unsubscribed: 'Unsubscribed',
  manual: 'Added by hand',
  hard_bounce: 'Hard bounce',
  complaint: 'Complaint',
}

export const SUPPRESSION_BADGES: Record<SuppressionReason, { label: string; tone: string }> = {
  unsubscribed: { label: 'Unsubscribed', tone: 'warning' },
  manual: { label: 'Suppressed', tone: 'secondary' },
  hard_bounce: { label: 'Bounced', tone: 'danger' },
  complaint: { label: 'Complained', tone: 'danger' },
}
