/**
 * The sentences of two-factor log-in, word for word as the tests assert them.
 */
export const twoFactorMessages = {
  requiredForTokens:
    "This workspace requires two-factor log-in of its members, and this token's member has not turned it on: they turn it on in Settings → Security, and the token works again.",
  unverified:
    'Confirm your email address first (the link we mailed you): two-factor log-in is set up on an account whose address is proven.',
  wrongCode:
    'That code is not right, or was used already. Enter the current code from your app, or a recovery code.',
  loginExpired: 'Please log in again: the code was not entered within ten minutes.',
  enabled: 'Two-factor log-in is on. Save your recovery codes now: they are shown only once.',
  disabled: 'Two-factor log-in is off. Remembered devices were forgotten.',
  alreadyEnabled: 'Two-factor log-in is already on.',
  notStarted: 'Start the set-up first.',
  codesRegenerated: 'New recovery codes are ready; the old ones no longer work. Save these now.',
  deviceForgotten: 'That device will be asked for a code at its next log-in.',
  usedRecoveryCode: (left: number) =>
    `You logged in with a recovery code; ${left} left. Make new ones on the Security page if you are running out.`,
  adminFirst:
    'Turn on two-factor log-in for yourself first (Settings → Security), then require it of the members.',
  requiredBy: (workspace: string) =>
    `${workspace} requires its members to use two-factor log-in. Set it up here to keep working in it.`,
}
