import limiter from '@adonisjs/limiter/services/main'

/**
 * Second-factor attempts per user: five per fifteen minutes, then refused
 * for fifteen minutes. Counted before the code is checked (atomic in
 * Redis), so parallel guesses get no more tries; a right code starts over.
 * Per user, not per browser: whoever has the password cannot get more
 * guesses from more browsers.
 */
const ATTEMPTS = 5
const LOCK = '15 mins'

export class SecondFactorThrottledError extends Error {
  constructor(public retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
    super(
      `Too many wrong codes. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`
    )
  }
}

function counter() {
  return limiter.use({ requests: ATTEMPTS, duration: LOCK, blockDuration: LOCK })
}

export const secondFactorAttempts = {
  /** Counts an attempt; throws SecondFactorThrottledError past the allowance. */
  async take(userId: number) {
    const key = `two_factor:user:${userId}`
    const attempts = counter()
    if (await attempts.isBlocked(key)) {
      throw new SecondFactorThrottledError(await attempts.availableIn(key))
    }
    const count = await attempts.increment(key)
    if (count.consumed > count.limit) {
      await attempts.block(key, LOCK)
      throw new SecondFactorThrottledError(count.availableIn)
    }
    return {
      /** The code was wrong: the last allowed attempt locks now, and says so. */
      async failed() {
        if (count.consumed < count.limit) return
        await attempts.block(key, LOCK)
        throw new SecondFactorThrottledError(await attempts.availableIn(key))
      },
      async succeeded() {
        await attempts.delete(key)
      },
    }
  },
}
