// Behaviour shared by every page. Loaded as a file: the CSP forbids inline scripts.

// Sign-up: default the workspace's time zone to the browser's.
for (const input of document.querySelectorAll('input[data-browser-timezone]')) {
  if (!input.value) {
    input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ''
  }
}

// Buttons that need a second thought: <button data-confirm="Delete this client?">
document.addEventListener('submit', (event) => {
  const submitter = event.submitter
  const message = submitter?.dataset.confirm ?? event.target.dataset.confirm
  if (message && !window.confirm(message)) {
    event.preventDefault()
  }
})
