/**
 * The time two-factor log-in reads: which TOTP step is current, when a
 * remembered device expires. One place, so the tests can stop it at a
 * chosen instant and compute the codes an authenticator app would show then
 * (`freezeAt`), instead of racing the 30-second steps.
 */
let frozenAt: number | null = null

export const twoFactorClock = {
  /** Milliseconds since the epoch. */
  now() {
    return frozenAt ?? Date.now()
  },

  /** Seconds since the epoch, as TOTP counts them. */
  epochSeconds() {
    return Math.floor(this.now() / 1000)
  },

  /** Tests: time stands at `millis` until `release()`. */
  freezeAt(millis: number) {
    frozenAt = millis
  },

  release() {
    frozenAt = null
  },
}
