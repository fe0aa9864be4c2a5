/*
| A mail server that misbehaves on purpose, run as its own process so its
| work never lands in the process that measures:
|
|   node --import=ts-node-maintained/register/esm bench/helpers/smtp_trouble_server.ts <mode> <port>
|
| healthy: accepts every message · silent: accepts connections and never
| says a word · 451 / 550: that answer to every RCPT TO · drop: hangs up in
| the middle of DATA. Prints "listening" when ready; SIGTERM hangs up on
| every connection and exits.
*/

import { createServer, type Socket } from 'node:net'
import { SMTPServer } from 'smtp-server'

export const TROUBLE_MODES = ['healthy', 'silent', '451', '550', 'drop'] as const
export type TroubleMode = (typeof TROUBLE_MODES)[number]

function smtpServer(mode: TroubleMode, sockets: Set<Socket>) {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onRcptTo(_address, _session, callback) {
      if (mode !== '451' && mode !== '550') return callback()
      const reply = mode === '451' ? 'Try again later' : 'No such user here'
      callback(Object.assign(new Error(reply), { responseCode: Number(mode) }))
    },
    onData(stream, _session, callback) {
      stream.resume()
      if (mode === 'drop') {
        // Once the message has begun, hang up on everyone.
        stream.once('data', () => sockets.forEach((socket) => socket.destroy()))
        return
      }
      stream.on('end', () => callback())
    },
  })
}

async function serve(mode: TroubleMode, port: number) {
  const sockets = new Set<Socket>()
  const server = mode === 'silent' ? createServer(() => {}) : smtpServer(mode, sockets)
  const listener = server instanceof SMTPServer ? server.server : server
  listener.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))
  process.once('SIGTERM', () => {
    sockets.forEach((socket) => socket.destroy())
    server.close(() => process.exit(0))
  })
  console.log('listening')
}

const [mode, port] = process.argv.slice(2)
if (!TROUBLE_MODES.includes(mode as TroubleMode) || !Number(port)) {
  console.error(`usage: smtp_trouble_server.ts <${TROUBLE_MODES.join('|')}> <port>`)
  process.exit(1)
}
await serve(mode as TroubleMode, Number(port))
