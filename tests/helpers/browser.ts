import type { Page } from 'playwright'
import { STRONG_PASSWORD } from '#tests/helpers/users'

/**
 * Logs a user (made by createUser) in through the log-in form and waits for
 * their dashboard.
 */
export async function logInThroughForm(page: Page, email: string, password = STRONG_PASSWORD) {
  await page.goto(new URL('/login', page.url()).href)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL('**/dashboard')
}
