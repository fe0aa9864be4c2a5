// The mailing form's recipient picker: search the workspace's clients (the
// server answers 20 at a time, so it copes with any list size) and keep the
// chosen ones as hidden clientIds[] inputs.
const picker = document.querySelector('[data-recipient-picker]')

if (picker) {
  const search = picker.querySelector('[data-picker-search]')
  const results = picker.querySelector('[data-picker-results]')
  const chosen = picker.querySelector('[data-picker-chosen]')
  const count = picker.querySelector('[data-picker-count]')
  let timer

  const chosenIds = () => new Set([...chosen.querySelectorAll('[data-client-id]')].map((el) => el.dataset.clientId))
  const refreshCount = () => (count.textContent = String(chosen.children.length))

  for (const radio of document.querySelectorAll('[data-audience]')) {
    radio.addEventListener('change', () => {
      picker.classList.toggle('d-none', radio.value !== 'selected' || !radio.checked)
    })
  }

  function choose(client) {
    if (chosenIds().has(String(client.id))) return
    const chip = document.createElement('span')
    chip.className = 'badge rounded-pill text-bg-light border picker-chip'
    chip.dataset.clientId = String(client.id)
    chip.append(document.createTextNode(client.email + ' '))
    const input = document.createElement('input')
    Object.assign(input, { type: 'hidden', name: 'clientIds[]', value: String(client.id) })
    const remove = document.createElement('button')
    Object.assign(remove, { type: 'button', className: 'btn-close btn-close-sm ms-1' })
    remove.setAttribute('aria-label', `Remove ${client.email}`)
    remove.dataset.pickerRemove = ''
    chip.append(input, remove)
    chosen.append(chip)
    refreshCount()
  }

  chosen.addEventListener('click', (event) => {
    if (event.target.matches('[data-picker-remove]')) {
      event.target.closest('[data-client-id]').remove()
      refreshCount()
    }
  })

  async function lookUp() {
    const query = search.value.trim()
    results.replaceChildren()
    if (!query) return
    const url = new URL(picker.dataset.searchUrl, window.location.origin)
    url.searchParams.set('q', query)
    const response = await fetch(url, { headers: { Accept: 'application/json' } })
    if (!response.ok) return
    const clients = await response.json()
    const already = chosenIds()
    for (const client of clients) {
      const item = document.createElement('button')
      item.type = 'button'
      item.className = 'list-group-item list-group-item-action small'
      item.textContent = client.fullName ? `${client.fullName} <${client.email}>` : client.email
      item.disabled = already.has(String(client.id))
      item.addEventListener('click', () => {
        choose(client)
        item.disabled = true
      })
      results.append(item)
    }
    if (clients.length === 0) {
      const empty = document.createElement('div')
      empty.className = 'list-group-item small text-body-secondary'
      empty.textContent = 'No client matches.'
      results.append(empty)
    }
  }

  search.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(lookUp, 200)
  })
  // Enter in the search box picks nothing and must not submit the form.
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') event.preventDefault()
  })
}
