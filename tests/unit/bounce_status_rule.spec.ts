import { test } from '@japa/runner'
import { parseBounceMessage } from '#bounces/parse_bounce'
import {
  mailgunReports,
  postmarkReports,
  sendgridReports,
  sesReports,
} from '#bounces/providers/reports'
import { classifySmtpError } from '#sending/smtp_outcomes'
import { dsnMessage } from '#tests/helpers/bounce_messages'

/**
 * One rule for every way a permanent refusal reaches us (enhanced_status.ts):
 * a status that says the address is dead (5.1.x, 5.2.1) suppresses, at send
 * time and later alike; any other status fails the delivery at send time and
 * counts as a soft bounce (the address's streak) when it comes back later; a
 * later report of a permanent failure with no status at all is taken at its
 * word (hard). A row is a status, then what the answer at RCPT TO does
 * (`suppress` or `fail`) and what a later report of it is (`hard` or `soft`),
 * whichever of DSN, SES, Postmark, SendGrid or Mailgun brings it.
 */
type Row = [status: string | null, sendTime: 'suppress' | 'fail', later: 'hard' | 'soft']

const rows: Row[] = [
  ['5.1.1', 'suppress', 'hard'],
  ['5.1.2', 'suppress', 'hard'],
  ['5.1.10', 'suppress', 'hard'],
  ['5.2.1', 'suppress', 'hard'],
  ['5.7.1', 'fail', 'soft'],
  ['5.2.2', 'fail', 'soft'],
  ['5.3.4', 'fail', 'soft'],
  ['5.4.4', 'fail', 'soft'],
  ['5.0.0', 'fail', 'soft'],
  [null, 'fail', 'hard'],
]

const recipient = 'anna@example.com'
const words = (status: string | null) => `550 ${status ? `${status} ` : ''}Refused by the test`

/**
 * How each way in reports a permanent failure with this status, read by its
 * own parser: the kind it gives.
 */
const laterSources: Record<string, (status: string | null) => string | null | undefined> = {
  dsn: (status) =>
    parseBounceMessage(
      dsnMessage(
        { returnPath: 'bounces+x@b.test', recipient, messageId: '<delivery-1@localhost>' },
        { status: status ?? '', diagnostic: `smtp; ${words(status)}` }
      )
    ).kind,
  ses: (status) =>
    sesReports({
      notificationType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [
          { emailAddress: recipient, ...(status ? { status, diagnosticCode: words(status) } : {}) },
        ],
      },
      mail: { commonHeaders: { messageId: 'delivery-1@localhost' } },
    })[0]?.kind,
  postmark: (status) =>
    postmarkReports({
      RecordType: 'Bounce',
      Type: 'HardBounce',
      Email: recipient,
      ...(status ? { Details: `smtp;${words(status)}` } : {}),
    })[0]?.kind,
  sendgrid: (status) =>
    sendgridReports([
      {
        event: 'bounce',
        type: 'bounce',
        email: recipient,
        ...(status ? { status, reason: words(status) } : { reason: 'Bounced Address' }),
      },
    ])[0]?.kind,
  mailgun: (status) =>
    mailgunReports({
      'event-data': {
        'event': 'failed',
        'severity': 'permanent',
        'reason': 'generic',
        recipient,
        'delivery-status': status
          ? { 'enhanced-code': status, 'message': words(status) }
          : { message: 'Not delivered' },
      },
    })[0]?.kind,
}

function sendTimeAction(status: string | null) {
  const error: any = new Error('Refused')
  error.code = 'EENVELOPE'
  error.command = 'RCPT TO'
  error.response = words(status)
  error.responseCode = 550
  const outcome = classifySmtpError(error)
  return outcome.kind === 'permanent' && outcome.hardBounce ? 'suppress' : 'fail'
}

test.group('Bounce status rule', () => {
  for (const [status, sendTime, later] of rows) {
    const label = status ?? 'no status'
    test(`${label} at RCPT TO: ${sendTime}`, ({ assert }) => {
      assert.equal(sendTimeAction(status), sendTime)
    })
    for (const [source, kindOf] of Object.entries(laterSources)) {
      test(`${label} reported later by ${source}: ${later}`, ({ assert }) => {
        assert.equal(kindOf(status), later)
      })
    }
  }
})
