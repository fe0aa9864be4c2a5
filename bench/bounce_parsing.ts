/*
|--------------------------------------------------------------------------
| Bounce parsing benchmark: `npm run bench:bounces`
|--------------------------------------------------------------------------
|
| A backlog of BENCH_MESSAGES (10,000) bounce messages, as bounces:listen
| receives them after an outage: hard and soft DSNs in Postfix's layout
| (some with the delivery-status part base64-encoded, some quoting the
| original in full), and ARF complaints. Times parseBounceMessage
| (app/bounces/parse_bounce.ts, what the listener runs per message) over
| the whole backlog, next to a baseline measured in the same run on the same
| messages: mailparser's simpleParser reading each one (a general MIME
| parser, what the listener would use otherwise). Prints messages per
| second and the ratio; BENCH_RUNS (3) runs each, median and spread.
|
| Pure CPU: no database, no network. The goal (issue 14): ≥ 1,000 DSNs/s.
|
*/

import { performance } from 'node:perf_hooks'
import { cpus } from 'node:os'
import { simpleParser } from 'mailparser'
import { parseBounceMessage, type ParsedBounce } from '#bounces/parse_bounce'
import { arfMessage, dsnMessage } from '#tests/helpers/bounce_messages'

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

function fakeToken(seed: number) {
  let token = ''
  for (let i = 0; i < 26; i++) token += ALPHABET[(seed * 7919 + i * 104_729) % 32]
  return token
}

function backlog(count: number) {
  const messages: Buffer[] = []
  const body = 'Hello, here is our news of the month. '.repeat(60)
  for (let i = 0; i < count; i++) {
    const original = {
      returnPath: `bounces+${fakeToken(i)}@bounces.example.com`,
      recipient: `reader-${i}@example.net`,
      messageId: `<delivery-${i + 1}@mailings.example.com>`,
    }
    let text: string
    switch (i % 10) {
      case 0:
        text = arfMessage(original)
        break
      case 1:
        text = dsnMessage(original, { status: '4.2.2', diagnostic: 'smtp; 452 4.2.2 Mailbox full' })
        break
      case 2: {
        // The delivery-status part base64-encoded, as some servers do.
        const plain = dsnMessage(original)
        const start = plain.indexOf('Reporting-MTA')
        const end = plain.indexOf('\r\n--B0UND4RY', start)
        text =
          plain
            .slice(0, start - 2)
            .replace(
              'Content-Type: message/delivery-status',
              'Content-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64'
            ) +
          '\r\n' +
          Buffer.from(plain.slice(start, end)).toString('base64').replace(/.{76}/g, '$&\r\n') +
          plain.slice(end)
        break
      }
      case 3:
        // Quoting the original in full (message/rfc822 with its body).
        text = dsnMessage(original)
          .replace('Content-Type: text/rfc822-headers', 'Content-Type: message/rfc822')
          .replace(
            /(Content-Type: text\/plain; charset=utf-8)(\r\n\r\n--B0UND4RY[^-]*--)/,
            `$1\r\n\r\n${body}$2`
          )
        break
      default:
        text = dsnMessage(original)
    }
    messages.push(Buffer.from(text))
  }
  return messages
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const messages = backlog(MESSAGES)
const bytes = messages.reduce((sum, message) => sum + message.length, 0)
console.log(
  `Bounce parsing: ${MESSAGES.toLocaleString('en')} messages, ${(bytes / 1024 / 1024).toFixed(1)} MB; ` +
    `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`
)

// The parser's answers are checked once, so a fast wrong parser cannot pass.
const kinds: Record<string, number> = {}
for (const message of messages) {
  const parsed: ParsedBounce = parseBounceMessage(message)
  if (!parsed.token) throw new Error('A message of the backlog gave no token')
  kinds[parsed.kind ?? 'none'] = (kinds[parsed.kind ?? 'none'] ?? 0) + 1
}
console.log('Kinds read:', kinds)

const ours: number[] = []
const baseline: number[] = []
for (let run = 0; run < RUNS; run++) {
  let start = performance.now()
  for (const message of messages) parseBounceMessage(message)
  ours.push(MESSAGES / ((performance.now() - start) / 1000))

  start = performance.now()
  for (const message of messages) await simpleParser(message)
  baseline.push(MESSAGES / ((performance.now() - start) / 1000))
  console.log(
    `run ${run + 1}: parseBounceMessage ${Math.round(ours[run]).toLocaleString('en')}/s, ` +
      `simpleParser ${Math.round(baseline[run]).toLocaleString('en')}/s`
  )
}

const spread = (values: number[]) =>
  `${Math.round(Math.min(...values)).toLocaleString('en')}–${Math.round(Math.max(...values)).toLocaleString('en')}`
console.log(
  `\nparseBounceMessage: median ${Math.round(median(ours)).toLocaleString('en')} messages/s (${spread(ours)})\n` +
    `simpleParser (baseline): median ${Math.round(median(baseline)).toLocaleString('en')} messages/s (${spread(baseline)})\n` +
    `ratio: ${(median(ours) / median(baseline)).toFixed(1)}× the baseline; goal ≥ 1,000 DSNs/s: ${median(ours) >= 1000 ? 'met' : 'NOT met'}`
)
