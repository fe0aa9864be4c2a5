import { test } from '@japa/runner'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { boundedGet } from '#bounces/providers/sns'

/**
 * A certificate host that never stops sending: what boundedGet reads of it
 * is all the memory it may cost.
 */
async function endlessServer(cleanup: (handler: () => Promise<void>) => void) {
  const state = { sent: 0, closedByClient: false }
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-pem-file' })
    const chunk = Buffer.alloc(16 * 1024, 'A')
    const pump = () => {
      while (!response.destroyed && state.sent < 64 * 1024 * 1024) {
        state.sent += chunk.length
        if (!response.write(chunk)) return response.once('drain', pump)
      }
    }
    response.on('close', () => (state.closedByClient = !response.writableFinished))
    pump()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/cert.pem`, state }
}

test.group('SNS boundedGet', () => {
  test('stops reading an oversized certificate at the bound and drops the connection', async ({
    assert,
    cleanup,
  }) => {
    const { url, state } = await endlessServer(cleanup)
    await assert.rejects(() => boundedGet(url, 64 * 1024), /more than 65536 bytes/)
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.isTrue(state.closedByClient)
    // Far less than the 64 MiB the server would have sent (socket buffers aside).
    assert.isBelow(state.sent, 16 * 1024 * 1024)
  })

  test('a body within the bound is returned', async ({ assert, cleanup }) => {
    const server = http.createServer((_request, response) => response.end('-----BEGIN-----'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanup(async () => {
      await new Promise((resolve) => server.close(resolve))
    })
    const { port } = server.address() as AddressInfo
    assert.equal(await boundedGet(`http://127.0.0.1:${port}/cert.pem`), '-----BEGIN-----')
  })
})
