import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Polls until `check` returns something truthy, or fails with `what` after
 * `timeout` ms. For outcomes produced by other processes (the worker), so a
 * test never asserts a timing, only an eventual state.
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeout = 30_000
) {
  const deadline = Date.now() + timeout
  for (;;) {
    const result = await check()
    if (result) return result
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await sleep(100)
  }
}
