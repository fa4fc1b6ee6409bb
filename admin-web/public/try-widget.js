//! The script of try-widget.html: loads the widget named by `?token=` the way the embed
//! snippet does (its loader from this server), and says whether it started. The widget
//! stays invisible when it cannot start: an unknown or inactive widget, or this server's
//! address missing from its allowed websites.

(() => {
  const status = document.getElementById("status");
  const say = (text, state) => {
    status.textContent = text;
    status.dataset.state = state;
  };
  const token = new URLSearchParams(location.search).get("token") ?? "";
  // Public tokens are 32 hex characters; anything else is not a widget of this server.
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(token)) {
    say("This link names no widget: open it from the widget's Install tab.", "failed");
    return;
  }
  let ready = false;
  addEventListener("porthole:ready", () => {
    ready = true;
    say("The widget is ready: open it with the button in the corner.", "ready");
  });
  setTimeout(() => {
    if (ready) return;
    say(
      `The widget did not start. Check that it is active and that its allowed websites are empty or include ${location.host}.`,
      "failed",
    );
  }, 10_000);
  const loader = document.createElement("script");
  loader.src = `${location.origin}/widget/${encodeURIComponent(token)}/loader.js`;
  loader.async = true;
  document.body.append(loader);
})();
