// Renders /docs/api from the OpenAPI document with the vendored Scalar
// viewer, for a self-hosted page that contacts no other host (the page's
// CSP forbids it anyway): no web fonts from fonts.scalar.com, no request
// proxy (proxyUrl left unset: "Test request" calls this server directly),
// no "Ask AI" agent (it searches Scalar's registry through their proxy),
// no telemetry, no client button or developer toolbar.
//
// The mount point is deliberately not `#api-reference`: the standalone
// bundle mounts a second viewer, with its default (remote) configuration, on
// any element with that id when it loads.
const element = document.getElementById('openapi-reference')
window.Scalar.createApiReference(element, {
  url: element.dataset.url,
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
  showDeveloperTools: 'never',
  agent: { disabled: true },
})
