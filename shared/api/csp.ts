// The renderer's Content-Security-Policy: only our own scripts, styles and API. Both doors serve the
// renderer with it — Electron's main process (app://careplan) and the web bridge — so it lives here,
// where main can take it without bundling the bridge's HTTP server.
export const RENDERER_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
