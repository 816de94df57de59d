/* The reset wizard's loader for help-center pages: no dependencies, nothing global.
 *
 *   <script src="https://WIZARD-HOST/public/embed.js" async></script>
 *   <div data-reset-wizard data-lang="de" data-mode="auto" data-scheme="auto"
 *        data-accent="#0b5cad" data-mailbox="global" data-proxy="http://127.0.0.1:8080"></div>
 *
 * Each element with `data-reset-wizard` gets the wizard in a sandboxed frame served from the
 * wizard's own origin (the folder above this file), sized to its content. Options are checked
 * here and again inside the wizard; a bad one is reported on this console and left out.
 * The element receives DOM events `resetwizard:ready`, `resetwizard:step`, `resetwizard:done`
 * and `resetwizard:error` (bubbling; `event.detail.version` is 1). None carries a code, a
 * password, QR content, a serial number or a MAC address.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) {
    return;
  }
  var wizardRoot = new URL("../", script.src);
  var wizardOrigin = wizardRoot.origin;
  var VERSION = 1;

  // Only what the wizard needs: its code (scripts), its own origin for saving progress and
  // fetching its files (same-origin: the frame's origin differs from this page's, so it cannot
  // reach into the page), its forms, saving the QR picture (downloads), the "open in a new tab"
  // link for a helper elsewhere on the LAN (popups, un-sandboxed), and mailto: links to the
  // person's mail program (custom protocols). No top navigation, no modals, no pointer lock.
  var SANDBOX = [
    "allow-scripts",
    "allow-same-origin",
    "allow-forms",
    "allow-downloads",
    "allow-popups",
    "allow-popups-to-escape-sandbox",
    "allow-top-navigation-to-custom-protocols"
  ].join(" ");
  // The camera reads a QR code; clipboard-write copies support details; reaching the helper on
  // this computer needs Local Network Access ("loopback-network" in Chromium 145 and later,
  // "local-network-access" before).
  var ALLOW = "camera; clipboard-write; loopback-network; local-network-access";

  var HEX = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
  var CHECKS = {
    lang: function (v) { return /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$/.test(v) ? v : null; },
    mode: function (v) { return /^(?:auto|connected|guided)$/.test(v) ? v : null; },
    // A key into the wizard's mailbox table, never an address.
    mailbox: function (v) { return /^[a-z0-9-]{1,40}$/.test(v) ? v : null; },
    scheme: function (v) { return /^(?:auto|light|dark)$/.test(v) ? v : null; },
    accent: function (v) { return HEX.test(v) ? v : null; },
    accentDark: function (v) { return HEX.test(v) ? v : null; },
    proxy: helperOrigin
  };
  var PARAMS = { accentDark: "accent-dark" };
  var NOT_OPTIONS = { resetWizard: true, title: true };

  // The event types and the fields each may carry to this page; anything else is dropped.
  var EVENTS = {
    ready: ["mode", "lang", "title"],
    step: ["step", "number", "total", "mode"],
    done: ["mode"],
    error: ["code"]
  };

  function warn(text) {
    if (window.console && console.warn) {
      console.warn("reset wizard: " + text);
    }
  }

  // The helper on this computer (plain http on 127.0.0.1 or localhost, with a port) or the
  // wizard's own origin: nothing else may be handed to the wizard as a proxy.
  function helperOrigin(v) {
    var url;
    try {
      url = new URL(v);
    } catch (e) {
      return null;
    }
    var bare = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
    if (!bare) {
      return null;
    }
    if (url.origin === wizardOrigin) {
      return url.origin;
    }
    var local = url.protocol === "http:" && url.port !== "" &&
      (url.hostname === "127.0.0.1" || url.hostname === "localhost");
    return local ? url.origin : null;
  }

  function frameUrl(element) {
    var params = new URLSearchParams();
    params.set("embed", "1");
    params.set("host", window.location.origin);
    Object.keys(element.dataset).forEach(function (key) {
      if (NOT_OPTIONS[key]) {
        return;
      }
      var check = CHECKS[key];
      if (!check) {
        warn("unknown option data-" + key.replace(/[A-Z]/g, "-$&").toLowerCase() + " ignored");
        return;
      }
      var value = check(String(element.dataset[key]).trim());
      if (value === null) {
        warn("option " + key + " ignored: the value is not allowed");
        return;
      }
      params.set(PARAMS[key] || key, value);
    });
    return wizardRoot.href + "?" + params.toString();
  }

  function mount(element) {
    if (element.getAttribute("data-reset-wizard-mounted") !== null) {
      return;
    }
    element.setAttribute("data-reset-wizard-mounted", "");
    if (wizardOrigin === window.location.origin) {
      warn("the wizard shares this page's origin, so its sandbox would not hold; serve it from its own origin");
    }
    var frame = document.createElement("iframe");
    frame.title = element.dataset.title || "Password reset wizard";
    frame.setAttribute("sandbox", SANDBOX);
    frame.setAttribute("allow", ALLOW);
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("scrolling", "no");
    // A first height close to the first step's, so the page does not jump when it reports.
    frame.style.cssText = "display:block;width:100%;min-width:280px;height:36rem;border:0;overflow:hidden;";
    element.appendChild(frame);
    // The frame keeps its place from the start, but the wizard is fetched only when the
    // element nears the viewport: readers who never scroll to it download nothing.
    whenNear(element, function () {
      frame.src = frameUrl(element);
    });

    window.addEventListener("message", function (event) {
      if (event.origin !== wizardOrigin || event.source !== frame.contentWindow) {
        return;
      }
      var message = event.data;
      if (!message || message.source !== "reset-wizard" || message.version !== VERSION) {
        return;
      }
      var detail = message.detail || {};
      if (message.type === "resize") {
        var height = Number(detail.height);
        if (isFinite(height) && height > 0 && height < 100000) {
          frame.style.height = Math.ceil(height) + "px";
        }
        return;
      }
      var fields = EVENTS[message.type];
      if (!fields) {
        return;
      }
      var clean = { version: VERSION };
      fields.forEach(function (name) {
        var value = detail[name];
        if (typeof value === "string" || typeof value === "number") {
          clean[name] = value;
        }
      });
      if (message.type === "ready" && typeof clean.title === "string") {
        frame.title = clean.title;
      }
      element.dispatchEvent(new CustomEvent("resetwizard:" + message.type, {
        detail: clean,
        bubbles: true
      }));
    });
  }

  // Calls `load` once, when the element is within about a screen of the viewport (at once
  // where IntersectionObserver is missing).
  function whenNear(element, load) {
    if (!("IntersectionObserver" in window)) {
      load();
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      for (var i = 0; i < entries.length; i++) {
        if (entries[i].isIntersecting) {
          observer.disconnect();
          load();
          return;
        }
      }
    }, { rootMargin: "800px 0px" });
    observer.observe(element);
  }

  function mountAll() {
    var elements = document.querySelectorAll("[data-reset-wizard]");
    for (var i = 0; i < elements.length; i++) {
      mount(elements[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
