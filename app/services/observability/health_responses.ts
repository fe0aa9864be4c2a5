import type { HealthCheckReport } from '@adonisjs/core/types/health'

/**
 * What anybody may read: the overall status and each check's status, by
 * name. No messages, hosts, versions or errors.
 */
export function publicHealth(report: HealthCheckReport) {
  return {
    status: report.status,
    checks: Object.fromEntries(report.checks.map((check) => [check.name, check.status])),
  }
}

/**
 * What the holder of HEALTH_TOKEN reads: AdonisJS's whole report, errors
 * written as their message and code (an Error has no JSON of its own).
 */
export function detailedHealth(report: HealthCheckReport) {
  return {
    ...report,
    checks: report.checks.map(({ meta, ...check }) => ({
      ...check,
      ...(meta ? { meta: withReadableErrors(meta) } : {}),
    })),
  }
}

function withReadableErrors(meta: Record<string, any>) {
  const error = meta.error
  if (!(error instanceof Error)) return meta
  return { ...meta, error: { message: error.message, code: (error as any).code } }
}
