/**
 * A member or invitation change the workspace's rules refuse (the last
 * owner leaving, an address already a member...). The message is shown to
 * the person as is; `field` names the form field it belongs beside, if any.
 */
export class TeamRuleError extends Error {
  constructor(
    message: string,
    public field: string | null = null
  ) {
    super(message)
  }
}
