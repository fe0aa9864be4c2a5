/*
|--------------------------------------------------------------------------
| Queued application mail
|--------------------------------------------------------------------------
|
| `mail.sendLater()` hands the compiled message to the queue; a worker sends
| it (app/jobs/send_mail_job.ts).
|
| The job's data is the whole message, with live reset and verification
| links the database keeps only hashes of: it is removed from Redis as soon
| as the mail is sent, and when it fails for good (the failure is logged
| without the message). We remove rather than store a reference to
| regenerate the link from: a job must be able to send the message it was
| given, and a link lives in Redis only while its mail waits for the server
| (seconds; at most ~30 s of retries).
|
*/

import mail from '@adonisjs/mail/services/main'
import { dispatch } from '#services/queue/dispatch'
import SendMailJob from '#jobs/send_mail_job'

mail.setMessenger((mailer) => ({
  async queue(mailMessage, config) {
    await dispatch(
      SendMailJob,
      { mailerName: mailer.name, mailMessage, config },
      { removeOnComplete: true, removeOnFail: true }
    )
  },
}))
