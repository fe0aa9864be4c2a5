/**
 * The `detail` sentences of the problems the API's controllers answer with
 * (`ApiProblem`, problem.ts), grouped by resource, so the wording is read
 * and kept consistent in one place, as the pages' are in
 * app/services/http/flash_messages.ts. Clients may show them; tests assert them
 * word for word.
 */
export const problemMessages = {
  mailings: {
    runAlreadyStarted: 'A run for this moment has already started.',
    notAllowedIn: (state: string, action: string) =>
      `The mailing is ${state}: it cannot ${action} now.`,
  },
  messages: {
    usedBy: (mailingIds: number[]) => `Mailings ${mailingIds.join(', ')} use this message.`,
  },
  suppressions: {
    complaintNeedsConfirm:
      'The address was suppressed after a complaint (its owner reported a message as spam): ' +
      'remove it with ?confirm=complaint if you are sure they want your mail again.',
    unsubscribeNotRemovable:
      'The address unsubscribed: only its owner can subscribe again, so the workspace ' +
      'cannot remove this entry.',
  },
  twoFactor: {
    requiredForTokens:
      "This workspace requires two-factor log-in of its members, and this token's member has not turned it on: they turn it on in Settings → Security, and the token works again.",
  },
  webhooks: {
    deliveryPending: 'The delivery is still pending: it is already on its way.',
  },
}
