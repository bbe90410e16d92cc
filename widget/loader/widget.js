/*! Shopdesk storefront chat loader. Embedded by the theme with one tag:
 *  <script src="https://CHAT-HOST/widget.js" data-customer-id=".." data-signature=".." async></script>
 *  It asks the chat server whether (and how) to show the launcher, draws it in a Shadow DOM,
 *  and loads the drawer (WASM) on idle or first click. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || document.getElementById("shopdesk-widget")) return;
  var base = new URL(script.src, location.href).origin;
  var version = "__SHOPDESK_VERSION__";
  var data = script.dataset;
  // Missing attributes stay out of the JSON: the drawer has defaults (widget/src/config.rs),
  // and the server treats blank identity fields as absent.
  var config = {
    apiBase: base,
    customerId: data.customerId,
    customerName: data.customerName,
    customerEmail: data.customerEmail,
    signature: data.signature,
    loginUrl: data.loginUrl || "/account/login",
    locale: data.locale || document.documentElement.lang || "en"
  };
  // The launcher's words; the drawer has its own (widget/src/i18n.rs).
  var words = /^pt\b/i.test(config.locale)
    ? ["Abrir chat", "Fechar chat", "nova mensagem", "novas mensagens"]
    : ["Open chat", "Close chat", "new message", "new messages"];

  // The host goes in at once (it also guards against a second copy of the tag), last in
  // the body with the highest z-index, so it wins z-index wars with the theme; the
  // launcher stays hidden until the server's launcher settings say to show it.
  var host = document.createElement("div");
  host.id = "shopdesk-widget";
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>" +
    ":host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483647!important;right:0!important;bottom:0!important;width:0!important;height:0!important}" +
    ".launcher{all:initial;position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;background:var(--sd-brand,#4338ca);color:var(--sd-on-brand,#fff);display:grid;place-items:center;cursor:pointer;box-shadow:0 6px 20px rgba(15,23,42,.25);transition:transform .15s ease}" +
    ".launcher.left{right:auto;left:20px}[hidden]{display:none!important}" +
    ".launcher:hover{transform:scale(1.05)}.launcher:focus-visible{outline:3px solid #a5b4fc;outline-offset:3px}" +
    ".launcher svg{width:26px;height:26px}.x,.is-open .bubble{display:none}.is-open .x{display:block}" +
    ".badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#dc2626;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}" +
    "@media (prefers-reduced-motion:reduce){.launcher{transition:none}}" +
    "</style>" +
    '<button class="launcher" type="button" aria-label="' + words[0] + '" aria-expanded="false" hidden>' +
    '<svg class="bubble" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>' +
    '<svg class="x" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/></svg>' +
    '<span class="badge" hidden></span></button><div class="mount"></div>';
  document.body.appendChild(host);

  var launcher = root.querySelector(".launcher");
  var badge = root.querySelector(".badge");
  var mount = root.querySelector(".mount");
  var loading = null;
  var open = false;
  // The merchant switched the chat off (or it is for logged-in customers only): the
  // launcher goes, but not from under a drawer the shopper is reading.
  var hidden = true;

  function showLauncher() {
    launcher.hidden = hidden && !open;
  }

  // Brand colour and corner, from the launcher settings or live from the drawer.
  function applyLook(brand, position) {
    if (/^#[0-9a-f]{6}$/i.test(brand)) {
      var n = parseInt(brand.slice(1), 16);
      // Dark text on light brand colours, so the icon stays visible.
      var light = ((n >> 16) * 299 + ((n >> 8) & 255) * 587 + (n & 255) * 114) / 1000 > 160;
      launcher.style.setProperty("--sd-brand", brand);
      launcher.style.setProperty("--sd-on-brand", light ? "#111827" : "#fff");
      config.brand = brand;
    }
    if (position === "bottom_left" || position === "bottom_right") {
      launcher.classList.toggle("left", position === "bottom_left");
      config.position = position;
    }
  }

  function load() {
    if (!loading) {
      loading = import(base + "/widget/pkg/widget.js?v=" + version)
        .then(function (bundle) {
          return bundle
            .default({ module_or_path: base + "/widget/pkg/widget_bg.wasm?v=" + version })
            .then(function () {
              bundle.mount(mount, JSON.stringify(config));
              return bundle;
            });
        })
        .catch(function (error) {
          loading = null;
          launcher.title = "Chat is unavailable right now";
          throw error;
        });
    }
    return loading;
  }

  function setOpen(value) {
    open = value;
    launcher.setAttribute("aria-expanded", String(value));
    launcher.setAttribute("aria-label", words[value ? 1 : 0]);
    launcher.classList.toggle("is-open", value);
    if (value) badge.hidden = true;
    showLauncher();
    load().then(function (bundle) { bundle.set_open(value); }, function () {});
  }

  launcher.addEventListener("click", function () { setOpen(!open); });
  mount.addEventListener("shopdesk:closed", function () {
    setOpen(false);
    if (!launcher.hidden) launcher.focus();
  });
  mount.addEventListener("shopdesk:unread", function (event) {
    var count = Number(event.detail) || 0;
    badge.hidden = count === 0;
    badge.textContent = count > 9 ? "9+" : String(count);
    if (!open) {
      launcher.setAttribute("aria-label", words[0] + (count ? ", " + count + " " + words[count > 1 ? 3 : 2] : ""));
    }
  });
  // The drawer's session and live settings: {enabled, brand, position, hidden}.
  mount.addEventListener("shopdesk:settings", function (event) {
    var detail = event.detail || {};
    applyLook(detail.brand, detail.position);
    hidden = !!detail.hidden;
    showLauncher();
  });

  // Nothing more goes over the network while the page loads: the launcher's settings
  // are asked for once the browser is idle. Credentials omitted: the answer is the same
  // for everyone, and cached for a minute. If it cannot be had, the launcher shows with
  // defaults and the drawer explains.
  var idle = window.requestIdleCallback || setTimeout;
  idle(function () {
    fetch(base + "/api/widget/config", { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; })
      .then(function (settings) {
        settings = settings || {};
        var loginFirst = settings.login_status === "logged_in_users" && !config.customerId;
        // The outcome is marked on the host element, for the theme's scripts and tests.
        if (settings.chat_enabled === false || loginFirst) {
          host.setAttribute("data-state", "off");
          return;
        }
        host.setAttribute("data-state", "ready");
        applyLook(settings.brand_color, settings.launcher_position);
        hidden = false;
        showLauncher();
        // A shopper with a chat in progress connects on idle, so replies show on the badge.
        var token = null;
        try { token = config.customerId && localStorage.getItem("shopdesk:token:" + config.customerId); } catch (e) {}
        if (token) idle(function () { load().catch(function () {}); });
      });
  });
})();
