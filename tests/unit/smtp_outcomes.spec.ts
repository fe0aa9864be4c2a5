import { test } from '@japa/runner'
import { acceptedOutcome, classifySmtpError, type SmtpOutcome } from '#sending/smtp_outcomes'

/**
 * What the engine does with each answer of a mail server: a row is a rule,
 * the server's reply code at a stage of the SMTP dialogue with nodemailer's
 * error code, and what follows: `sent`; `retry` (transient: queued again
 * with backoff, up to SEND_MAX_ATTEMPTS); `fail` (permanent: never
 * retried); `suppress` (a hard bounce: failed, and the address goes on
 * the workspace's suppression list); `pause` (configuration: the run and
 * mailing pause, the try does not count against the recipient). The last
 * column is the reply's enhanced status code (RFC 3463), when it has one.
 * Add a row for each new case met.
 */

type Action = 'sent' | 'retry' | 'fail' | 'suppress' | 'pause'

const ACTION_OF: Record<SmtpOutcome['kind'], Action> = {
  sent: 'sent',
  transient: 'retry',
  permanent: 'fail',
  configuration: 'pause',
}

function actionOf(outcome: SmtpOutcome): Action {
  return outcome.kind === 'permanent' && outcome.hardBounce ? 'suppress' : ACTION_OF[outcome.kind]
}

type Row = [
  rule: string,
  reply: number | null,
  stage: string,
  errorCode: string,
  then: Action,
  status?: string,
]

const rows: Row[] = [
  // The recipient's or the message's fault: by the reply code.
  ['an unknown recipient, no enhanced status', 550, 'RCPT TO', 'EENVELOPE', 'fail'],
  // Hard bounces: the address is dead, never mail it again.
  ['an unknown mailbox', 550, 'RCPT TO', 'EENVELOPE', 'suppress', '5.1.1'],
  ['an unknown domain', 550, 'RCPT TO', 'EENVELOPE', 'suppress', '5.1.2'],
  ['a malformed address', 501, 'RCPT TO', 'EENVELOPE', 'suppress', '5.1.3'],
  ['a mailbox that moved', 551, 'RCPT TO', 'EENVELOPE', 'suppress', '5.1.6'],
  ['a domain that takes no mail (null MX)', 556, 'RCPT TO', 'EENVELOPE', 'suppress', '5.1.10'],
  ['a disabled mailbox', 550, 'RCPT TO', 'EENVELOPE', 'suppress', '5.2.1'],
  // Refused for good, but not the address's fault: failed, not suppressed.
  ['a policy refusal', 550, 'RCPT TO', 'EENVELOPE', 'fail', '5.7.1'],
  ['a full mailbox, for good', 552, 'RCPT TO', 'EENVELOPE', 'fail', '5.2.2'],
  ['a relay refused', 554, 'RCPT TO', 'EENVELOPE', 'fail', '5.4.4'],
  ['an unknown mailbox, said after DATA', 550, 'DATA', 'EMESSAGE', 'fail', '5.1.1'],
  ['a deferred unknown mailbox', 450, 'RCPT TO', 'EENVELOPE', 'retry', '4.1.1'],
  ['a greylisted recipient', 451, 'RCPT TO', 'EENVELOPE', 'retry'],
  ['a full mailbox, for now', 452, 'RCPT TO', 'EENVELOPE', 'retry'],
  ['the message refused at DATA', 554, 'DATA', 'EENVELOPE', 'fail'],
  ['DATA deferred', 451, 'DATA', 'EENVELOPE', 'retry'],
  ['the message refused after its content', 554, 'DATA', 'EMESSAGE', 'fail'],
  ['the message deferred after its content', 451, 'DATA', 'EMESSAGE', 'retry'],
  ['the sender refused for now', 451, 'MAIL FROM', 'EENVELOPE', 'retry'],
  // The configuration's fault: every message would fail the same way.
  ['the sender refused for good', 553, 'MAIL FROM', 'EENVELOPE', 'pause'],
  ['authentication required', 530, 'MAIL FROM', 'EENVELOPE', 'pause'],
  ['wrong credentials', 535, 'AUTH PLAIN', 'EAUTH', 'pause'],
  ['credentials missing', null, 'API', 'EAUTH', 'pause'],
  ['an envelope nodemailer will not send', null, 'API', 'EENVELOPE', 'pause'],
  ['TLS that cannot be set up', null, 'CONN', 'ETLS', 'pause'],
  ['a host name that does not resolve', null, 'CONN', 'EDNS', 'pause'],
  ['a transport misconfigured', null, 'API', 'ECONFIG', 'pause'],
  // The network's or the server's moment: tried again later.
  ['a connection refused or dropped', null, 'CONN', 'ESOCKET', 'retry'],
  ['a connection closed by the server', null, 'API', 'ECONNECTION', 'retry'],
  ['a server that does not answer', null, 'CONN', 'ETIMEDOUT', 'retry'],
  ['a server too busy for now', 421, 'CONN', 'EPROTOCOL', 'retry'],
]

/**
 * An error as nodemailer's SMTP connection makes it (`_formatError`): the
 * reply's text and code, the command it answered, the error code.
 */
function nodemailerError(reply: number | null, stage: string, errorCode: string, status?: string) {
  const error: any = new Error('Refused')
  error.code = errorCode
  error.command = stage
  if (reply !== null) {
    error.response = `${reply} ${status ? `${status} ` : ''}Refused by the test`
    error.responseCode = reply
  }
  return error
}

test.group('SMTP outcomes', () => {
  for (const [rule, reply, stage, errorCode, then, status] of rows) {
    const answer = `${reply ?? 'no reply'}${status ? ` ${status}` : ''}`
    test(`${rule} (${answer} at ${stage}, ${errorCode}): ${then}`, ({ assert }) => {
      const outcome = classifySmtpError(nodemailerError(reply, stage, errorCode, status))
      assert.equal(actionOf(outcome), then)
      assert.equal(outcome.code, reply)
    })
  }

  test('an error that is not nodemailer’s is retried, with its message kept', ({ assert }) => {
    const outcome = classifySmtpError(new Error('socket hang up'))
    assert.deepEqual(outcome, { kind: 'transient', code: null, response: 'socket hang up' })
  })

  test('an accepted message is sent, with the reply and its code', ({ assert }) => {
    const outcome = acceptedOutcome('250 2.0.0 OK: queued as 1A2B')
    assert.deepEqual(outcome, { kind: 'sent', code: 250, response: '250 2.0.0 OK: queued as 1A2B' })
    assert.equal(ACTION_OF[acceptedOutcome(undefined).kind], 'sent')
  })

  test('the enhanced status is read after a multi-line reply’s code too', ({ assert }) => {
    const error = nodemailerError(550, 'RCPT TO', 'EENVELOPE')
    error.response = '550-5.1.1 The email account that you tried to reach does not exist'
    assert.equal(actionOf(classifySmtpError(error)), 'suppress')
  })

  test('a reply is kept to 1000 characters', ({ assert }) => {
    const error = nodemailerError(550, 'RCPT TO', 'EENVELOPE')
    error.response = `550 ${'x'.repeat(5000)}`
    assert.lengthOf(classifySmtpError(error).response, 1000)
  })
})
