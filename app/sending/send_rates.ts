import { setTimeout as sleep } from 'node:timers/promises'
import limiter from '@adonisjs/limiter/services/main'
import sendingConfig from '#config/sending'

/**
 * Waits for a slot under the platform-wide (SEND_RATE) and the workspace's
 * (SEND_RATE_PER_WORKSPACE) send rates, in messages per second: token
 * buckets in Redis, shared by every worker. A message waits rather than
 * being skipped. `ownRate` is the rate a workspace set for its own SMTP
 * server; the settings page keeps it within the operator's rates, and it
 * replaces SEND_RATE_PER_WORKSPACE for that workspace (SEND_RATE still
 * bounds everything the workers send).
 */
export async function respectSendRates(tenantId: number, ownRate: number | null = null) {
  const limits: [number, string][] = [
    [sendingConfig.globalRate, 'send:all'],
    [ownRate ?? sendingConfig.workspaceRate, `send:tenant:${tenantId}`],
  ]
  for (const [rate, key] of limits) {
    if (!rate) continue
    const bucket = limiter.use({ requests: rate, duration: '1 sec' })
    for (;;) {
      try {
        await bucket.consume(key)
        break
      } catch (error: any) {
        await sleep(Math.max(50, (error.response?.availableIn ?? 1) * 1000))
      }
    }
  }
}
