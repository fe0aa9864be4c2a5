/**
 * Durations are written the human way ("10s", "500ms", "2m") and read as
 * milliseconds; anything else stops with a sentence naming the variable.
 * Shared by start/env.ts and the fleet test's own settings.
 */
export function duration(key: string, value?: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const match = /^(\d+)\s*(ms|s|m|h)?$/.exec(value.trim())
  if (!match) {
    throw new Error(
      `${key} must be a duration such as "10s", "500ms", "2m" or "5h" (got "${value}")`
    )
  }
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!
  return Number(match[1]) * factor
}
