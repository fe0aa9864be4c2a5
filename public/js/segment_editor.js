// Conveniences over the segment pages, which work without it:
// - the editor applies a changed field at once (the server draws the
//   operators and the value input that fit it) and keeps a live count and
//   sample of the clients the conditions match (POST /segments/preview);
// - the segments list counts each segment's clients, one after another.
const editor = document.querySelector('[data-segment-editor]')

if (editor) {
  const apply = editor.querySelector('[data-apply-fields]')
  apply.hidden = true
  for (const select of editor.querySelectorAll('[data-field-select]')) {
    select.addEventListener('change', () => editor.requestSubmit(apply))
  }

  // An operator that takes no value hides the value input.
  const valueless = ['empty', 'not_empty']
  for (const row of editor.querySelectorAll('[data-condition-row]')) {
    const op = row.querySelector('[data-op-select]')
    const cell = row.querySelector('[data-value-cell]')
    if (op && cell) op.addEventListener('change', () => (cell.hidden = valueless.includes(op.value)))
  }

  const count = document.querySelector('[data-preview-count]')
  const hint = document.querySelector('[data-preview-hint]')
  const sample = document.querySelector('[data-preview-sample]')
  let timer
  let asked = 0

  async function refreshCount() {
    const ticket = ++asked
    const body = new FormData(editor)
    body.delete('_method')
    const response = await fetch(editor.dataset.previewUrl, {
      method: 'POST',
      body,
      headers: { Accept: 'application/json' },
    })
    // A newer question was asked meanwhile: its answer wins.
    if (ticket !== asked) return
    if (!response.ok) {
      hint.textContent = 'Complete the conditions to count.'
      return
    }
    const result = await response.json()
    count.textContent = result.count.toLocaleString('en')
    hint.textContent =
      (result.count === 1 ? 'client' : 'clients') +
      (result.pending > 0
        ? ` (${result.pending.toLocaleString('en')} of them awaiting confirmation are not mailed)`
        : '')
    sample.replaceChildren(
      ...result.sample.map((client) => {
        const item = document.createElement('li')
        item.className = 'text-truncate'
        item.textContent = client.fullName ? `${client.email} — ${client.fullName}` : client.email
        return item
      })
    )
  }

  editor.addEventListener('change', (event) => {
    if (!event.target.matches('[data-live]')) return
    clearTimeout(timer)
    timer = setTimeout(refreshCount, 300)
  })
  editor.addEventListener('input', (event) => {
    if (!event.target.matches('input[data-live]')) return
    clearTimeout(timer)
    timer = setTimeout(refreshCount, 500)
  })
}

const counts = document.querySelectorAll('[data-segment-count-url]')
if (counts.length > 0) {
  ;(async () => {
    for (const cell of counts) {
      const response = await fetch(cell.dataset.segmentCountUrl, {
        headers: { Accept: 'application/json' },
      })
      if (!response.ok) continue
      const { count } = await response.json()
      cell.textContent = count.toLocaleString('en')
    }
  })()
}
