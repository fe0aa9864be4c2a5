/*
|--------------------------------------------------------------------------
| Queued application mail
|--------------------------------------------------------------------------
|
| `mail.sendLater()` hands the compiled message to the queue; a worker sends
| it (app/jobs/send_mail_job.ts).
|
*/

import mail from '@adonisjs/mail/services/main'
import queue from '@rlanz/bull-queue/services/main'
import SendMailJob from '#jobs/send_mail_job'

mail.setMessenger((mailer) => ({
  async queue(mailMessage, config) {
    await queue.dispatch(SendMailJob, { mailerName: mailer.name, mailMessage, config })
  },
}))
