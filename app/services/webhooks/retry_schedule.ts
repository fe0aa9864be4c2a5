import webhooksConfig from '#config/webhooks'

/**
 * Milliseconds until attempt number `attempt` (1 = the first), or null once
 * the schedule is exhausted. Every delay but the first gets ±jitter.
 */
export function retryDelay(attempt: number, schedule = webhooksConfig.retrySchedule) {
  const base = schedule[attempt - 1]
  if (base === undefined) return null
  const spread = base * webhooksConfig.jitter
  return Math.round(base - spread + Math.random() * 2 * spread)
}
