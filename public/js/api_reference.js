// Renders /docs/api from the OpenAPI document with the vendored Scalar
// viewer: no fonts or scripts from elsewhere (the page's CSP forbids them).
const element = document.getElementById('api-reference')
window.Scalar.createApiReference(element, {
  url: element.dataset.url,
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
  showDeveloperTools: 'never',
  agent: { disabled: true },
})
