/*
|--------------------------------------------------------------------------
| Job registry
|--------------------------------------------------------------------------
|
| Every queued job class, under the stable name it is stored with in Redis.
| @rlanz/bull-queue would otherwise store a job under its absolute file path,
| which breaks as soon as the worker runs from another folder (a build, a
| second machine). A job class's `$$filepath` returns its key here; the
| worker (app/services/queue/worker.ts) resolves names through this map and
| fails a job loudly when its name is unknown or its file cannot be loaded.
|
*/

export const jobs = {
  send_mail: () => import('#jobs/send_mail_job'),
  send_batch: () => import('#jobs/send_batch_job'),
  start_due_runs: () => import('#jobs/start_due_runs_job'),
  flush_post_views: () => import('#jobs/flush_post_views_job'),
  dispatch_webhooks: () => import('#jobs/dispatch_webhooks_job'),
  deliver_webhooks: () => import('#jobs/deliver_webhooks_job'),
  prune_webhooks: () => import('#jobs/prune_webhooks_job'),
  recheck_domains: () => import('#jobs/recheck_domains_job'),
  record_signup: () => import('#jobs/record_signup_job'),
  purge_unconfirmed_signups: () => import('#jobs/purge_unconfirmed_signups_job'),
}

export type JobName = keyof typeof jobs
