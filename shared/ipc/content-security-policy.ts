/**
 * The renderer's Content-Security-Policy, one string for both shells: only the app's own scripts and
 * styles, nothing remote, no inline scripts, no plugins, no framing, no form posts. `connect-src 'self'`
 * lets the web transport reach its own origin; the Electron window has nothing to connect to.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
