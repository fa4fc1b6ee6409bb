//! Saving text the server sent (a visitor's data export) as a file on the agent's computer.
//!
//! A blob: URL opened by a temporary `<a download>` is a navigation, not a fetch, so the
//! dashboard's Content-Security-Policy (`connect-src 'self'`, `blob:` for images only)
//! does not stand in its way; e2e/privacy.e2e.ts checks that in Chromium.

/** Browsers may still be reading the blob after the click; it is freed after this. */
const REVOKE_AFTER_MS = 60_000;

/** Downloads `contents` as `fileName` without leaving the page. */
export function downloadText(fileName: string, contents: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([contents], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
