/**
 * Teams (app/teams/, app/actions/teams/).
 */
const teamsConfig = {
  /**
   * Workspaces one person may own. Each workspace has its own sending and
   * sign-up budgets: without a cap, making workspaces would multiply them.
   */
  maxOwnedWorkspaces: 10,
}

export default teamsConfig
