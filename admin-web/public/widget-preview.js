//! The script of widget-preview.html: loads the real widget from this server, boots it in
//! preview mode with the first settings the dashboard sends, and applies later ones: the
//! settings, the screen, whether the panel is open (the widget's own open and close, so the
//! launcher sits in its corner when closed) and whether the page behind is light or dark.
//! When the visitor's part is played here (the launcher clicked), it tells the dashboard.
//!
//! The frame is sandboxed without `allow-same-origin`, so its own origin is opaque; its URL
//! still names the server, and the dashboard that frames it is served from there. So the
//! dashboard's origin is `location.origin`, and only messages from the parent window with
//! that origin are accepted.
//!
//! A classic script, not a module: module scripts are fetched with CORS, which from an
//! opaque origin only works where the file is served to every origin. widget.js is (sites
//! load it), so it is imported; the dashboard's own files need not be, nor Vite's dev
//! server, which refuses the `null` origin. The import names a full URL: to the opaque
//! origin this script is cross-origin, so relative specifiers have no base to resolve from.

(() => {
  // Opened on its own rather than in the dashboard: nothing to preview.
  if (window.parent === window) return;
  const dashboardOrigin = location.origin;
  import(`${dashboardOrigin}/widget/assets/widget.js`).then(({ start }) => {
    const porthole = start([]);
    let booted = false;
    // Preview mode boots with the panel open.
    let open = true;
    const report = (isOpen) => {
      open = isOpen;
      window.parent.postMessage({ type: "porthole:preview-state", open }, dashboardOrigin);
    };
    porthole("on", "open", () => report(true));
    porthole("on", "close", () => report(false));
    addEventListener("message", (event) => {
      if (event.source !== window.parent || event.origin !== dashboardOrigin) return;
      const data = event.data;
      if (data?.type !== "porthole:preview") return;
      document.documentElement.dataset.page = data.page === "dark" ? "dark" : "light";
      const preview = { config: data.config, screen: data.screen };
      if (booted) porthole("preview", preview);
      else porthole("boot", { widgetToken: "preview", preview, locale: "en" });
      booted = true;
      if (typeof data.open === "boolean" && data.open !== open) {
        open = data.open;
        porthole(open ? "open" : "close");
      }
    });
    window.parent.postMessage({ type: "porthole:preview-ready" }, dashboardOrigin);
  });
})();
