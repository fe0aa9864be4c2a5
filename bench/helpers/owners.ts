/**
 * The password of every account a benchmark creates (the log-in form
 * needs it).
 */
export const BENCH_PASSWORD = 'violet-harbour-tango-42'

/**
 * A verified owner with a workspace of their own, as sign-up makes them.
 * `emailPrefix` keeps benchmarks' accounts apart; the time keeps reruns
 * apart. Import after the app has booted.
 */
export async function createBenchOwner(fullName: string, emailPrefix: string) {
  const { default: CreateUserWithTenant } = await import('#actions/users/create_user_with_tenant')
  return CreateUserWithTenant.handle({
    fullName,
    email: `${emailPrefix}-${Date.now()}@example.com`,
    password: BENCH_PASSWORD,
    role: 'user',
    verified: true,
  })
}
