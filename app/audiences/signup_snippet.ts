import type SignupForm from '#models/signup_form'
import type { AskedAttribute } from '#audiences/signup_forms'
import { signupFormUrl } from '#audiences/signup_links'
import { escapeHtml } from '#services/html/escape'
import { CONSENT_VERSION_FIELD, consentTextVersion } from '#audiences/consent_texts'

/**
 * The HTML a business pastes on its own site to show a form: a plain POST
 * form, no JavaScript, no CSRF token (the endpoint takes cross-site posts
 * by design, and answers with our hosted pages), no styles but the one that
 * hides the honeypot, so the site's own styles apply. Every value from the
 * form's settings is HTML-escaped: a title such as `</form><script>` stays
 * text.
 */
export function signupFormSnippet(
  form: Pick<SignupForm, 'publicToken' | 'title' | 'intro' | 'askName' | 'consentText'>,
  asked: AskedAttribute[]
) {
  const lines = [
    `<form method="post" action="${escapeHtml(signupFormUrl(form))}" accept-charset="utf-8">`,
    `  <p><strong>${escapeHtml(form.title)}</strong></p>`,
  ]
  if (form.intro) lines.push(`  <p>${escapeHtml(form.intro)}</p>`)
  lines.push(
    '  <p>',
    '    <label for="signup-email">Email</label><br>',
    '    <input type="email" id="signup-email" name="email" required maxlength="254" autocomplete="email">',
    '  </p>'
  )
  if (form.askName) {
    lines.push(
      '  <p>',
      '    <label for="signup-name">Name</label><br>',
      '    <input type="text" id="signup-name" name="name" maxlength="200" autocomplete="name">',
      '  </p>'
    )
  }
  for (const field of asked) lines.push(...attributeField(field))
  lines.push(
    '  <!-- Leave this field out of sight and empty: robots fill it in, people do not. -->',
    '  <div style="position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden" aria-hidden="true">',
    '    <label>Leave this empty <input type="text" name="website" tabindex="-1" autocomplete="off"></label>',
    '  </div>',
    // The version of the words below: sign-ups through this snippet record
    // them, even after the form's text is edited.
    `  <input type="hidden" name="${CONSENT_VERSION_FIELD}" value="${consentTextVersion(form.consentText)}">`,
    `  <p><small>${escapeHtml(form.consentText)}</small></p>`,
    '  <p><button type="submit">Subscribe</button></p>',
    '</form>'
  )
  return lines.join('\n')
}

function attributeField({ definition, required }: AskedAttribute) {
  const id = `signup-${definition.key}`
  const name = `attributes[${definition.key}]`
  const label = escapeHtml(definition.label)
  const requiredAttribute = required ? ' required' : ''

  if (definition.type === 'boolean') {
    return [
      '  <p>',
      `    <label><input type="checkbox" name="${name}" value="yes"${requiredAttribute}> ${label}</label>`,
      '  </p>',
    ]
  }
  let input: string
  if (definition.type === 'choice') {
    const options = (definition.choices ?? []).map(
      (choice) => `      <option>${escapeHtml(choice)}</option>`
    )
    input = [
      `    <select id="${id}" name="${name}"${requiredAttribute}>`,
      '      <option value=""></option>',
      ...options,
      '    </select>',
    ].join('\n')
  } else {
    const type = { text: 'text', number: 'number', date: 'date' }[definition.type]
    const extra = definition.type === 'number' ? ' step="any"' : ' maxlength="500"'
    input = `    <input type="${type}" id="${id}" name="${name}"${extra}${requiredAttribute}>`
  }
  return ['  <p>', `    <label for="${id}">${label}</label><br>`, input, '  </p>']
}
