/**
 * Bounce and complaint messages as real servers write them: DSNs (RFC 3464)
 * and ARF reports (RFC 5965), quoting the headers of the message they are
 * about. For the bounce tests and bench/bounce_parsing.ts.
 */

export interface OriginalMessage {
  /** The VERP address the original was sent from (its Return-Path). */
  returnPath: string
  recipient: string
  messageId: string
}

function originalHeaders({ returnPath, recipient, messageId }: OriginalMessage) {
  return [
    `Return-Path: <${returnPath}>`,
    'Received: from mail.mailings.test (mail.mailings.test [192.0.2.10])',
    '\tby mx.example.net with ESMTPS id 4Xyz; Fri, 4 Dec 2026 16:00:00 +0000',
    'From: Acme <hello@mailings.test>',
    `To: ${recipient}`,
    'Subject: Our December news',
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ].join('\r\n')
}

/**
 * A DSN as Postfix writes it: a prose part, the delivery-status part, the
 * original's headers.
 */
export function dsnMessage(
  original: OriginalMessage,
  {
    status = '5.1.1',
    action = 'failed',
    diagnostic = `smtp; 550 ${status} <${original.recipient}>: Recipient address rejected: User unknown`,
    to = original.returnPath,
    boundary = 'B0UND4RY.1733328000/mx.example.net',
  }: { status?: string; action?: string; diagnostic?: string; to?: string; boundary?: string } = {}
) {
  return [
    'Return-Path: <>',
    'From: MAILER-DAEMON@mx.example.net (Mail Delivery System)',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Fri, 4 Dec 2026 16:00:05 +0000',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;`,
    `\tboundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.net.',
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients.',
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    'X-Postfix-Queue-ID: 4XyzAbC',
    'Arrival-Date: Fri, 4 Dec 2026 16:00:00 +0000',
    '',
    `Final-Recipient: rfc822; ${original.recipient}`,
    `Original-Recipient: rfc822;${original.recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    'Remote-MTA: dns; mx2.example.net',
    `Diagnostic-Code: ${diagnostic}`,
    '',
    `--${boundary}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    originalHeaders(original),
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n')
}

/**
 * An ARF complaint as a mailbox provider's feedback loop sends it: a prose
 * part, the feedback-report part, the original message.
 */
export function arfMessage(
  original: OriginalMessage,
  { to = original.returnPath, feedbackType = 'abuse', boundary = 'arf_boundary_7788' } = {}
) {
  return [
    'From: Feedback Loop <fbl@mailbox.example.org>',
    `To: ${to}`,
    'Subject: FW: Our December news',
    'Date: Fri, 4 Dec 2026 17:00:00 +0000',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset="US-ASCII"',
    'Content-Transfer-Encoding: 7bit',
    '',
    'This is an email abuse report for an email message received from IP',
    '192.0.2.10 on Fri, 4 Dec 2026 16:00:00 +0000.',
    '',
    `--${boundary}`,
    'Content-Type: message/feedback-report',
    '',
    `Feedback-Type: ${feedbackType}`,
    'User-Agent: SomeGenerator/1.0',
    'Version: 1',
    `Original-Mail-From: <${original.returnPath}>`,
    `Original-Rcpt-To: <${original.recipient}>`,
    'Arrival-Date: Fri, 4 Dec 2026 16:00:00 +0000',
    'Source-IP: 192.0.2.10',
    'Reported-Domain: mailings.test',
    '',
    `--${boundary}`,
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    '',
    originalHeaders(original),
    '',
    'Hello! Here is our December news.',
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n')
}
