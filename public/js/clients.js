// Clients pages: row selection for bulk delete, and the CSV upload's size
// check. Loaded as a file: the CSP forbids inline scripts. Everything also
// works without it (the server checks the same things).

// --- Bulk delete -----------------------------------------------------------
const selectAll = document.querySelector('[data-select-all]')
const rowBoxes = [...document.querySelectorAll('[data-select-row]')]
const bulkButton = document.querySelector('[data-bulk-delete]')
const selectedCount = document.querySelector('[data-selected-count]')

function refreshSelection() {
  const selected = rowBoxes.filter((box) => box.checked).length
  if (bulkButton) {
    bulkButton.disabled = selected === 0
    bulkButton.dataset.confirm =
      selected === 1
        ? 'Delete the selected client? This cannot be undone.'
        : `Delete the ${selected} selected clients? This cannot be undone.`
  }
  if (selectedCount) {
    selectedCount.textContent = selected === 0 ? '' : `${selected} selected`
  }
  if (selectAll) {
    selectAll.checked = selected > 0 && selected === rowBoxes.length
    selectAll.indeterminate = selected > 0 && selected < rowBoxes.length
  }
}

if (bulkButton) {
  selectAll?.addEventListener('change', () => {
    for (const box of rowBoxes) box.checked = selectAll.checked
    refreshSelection()
  })
  for (const box of rowBoxes) box.addEventListener('change', refreshSelection)
  refreshSelection()
}

// --- CSV import ------------------------------------------------------------
const importForm = document.querySelector('[data-import-form]')

if (importForm) {
  const input = importForm.querySelector('input[type="file"]')
  const feedback = importForm.querySelector('.invalid-feedback')
  const maxBytes = Number(input.dataset.maxBytes)

  // Refuse an oversized file before uploading it for nothing.
  const checkSize = () => {
    const file = input.files?.[0]
    const tooLarge = Boolean(file && maxBytes && file.size > maxBytes)
    input.classList.toggle('is-invalid', tooLarge)
    if (tooLarge) feedback.textContent = input.dataset.tooLargeMessage
    return !tooLarge
  }

  input.addEventListener('change', () => {
    input.classList.remove('is-invalid')
    checkSize()
  })

  importForm.addEventListener('submit', (event) => {
    if (!checkSize()) {
      event.preventDefault()
      return
    }
    // A big file takes a few seconds: say so, and do not send it twice.
    const button = importForm.querySelector('[data-import-submit]')
    button.disabled = true
    importForm.querySelector('[data-import-spinner]')?.classList.remove('d-none')
    importForm.querySelector('[data-import-progress]')?.classList.remove('d-none')
  })
}
