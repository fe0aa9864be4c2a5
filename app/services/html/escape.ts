const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * Text made safe to put in HTML, as element content or a quoted attribute
 * value, for HTML built outside Edge (a form's snippet, a mail's body).
 */
export function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character])
}
