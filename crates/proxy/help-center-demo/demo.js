/* The demo help-center page: builds the widget element from the options in the address,
 * shows the snippet to paste, loads embed.js from the wizard's site, and lists the events. */
(function () {
  "use strict";

  var OPTIONS = ["lang", "mode", "scheme", "accent", "accent-dark", "mailbox", "proxy"];
  var params = new URLSearchParams(window.location.search);

  // The wizard's site: the one this page is served for (filled in by the server, which lets
  // scripts and frames come from it alone), else, for a copy on another static host, the one
  // given in the address (http or https only). Nothing else: no script from anywhere.
  function wizardRoot() {
    var served = origin(document.querySelector('meta[name="reset-wizard-origin"]').content);
    if (served) {
      if (params.get("wizard") && origin(params.get("wizard")) !== served) {
        console.warn("demo: ignoring wizard=" + params.get("wizard") + " (this page is served for " + served + ")");
      }
      return served + "/";
    }
    var given = origin(params.get("wizard") || "");
    if (given) {
      return given + "/";
    }
    console.warn("demo: add ?wizard=https://wizard.example.com to load the widget");
    return null;
  }

  function origin(text) {
    try {
      var url = new URL(text);
      if (url.protocol === "https:" || url.protocol === "http:") {
        return url.origin;
      }
    } catch (e) {
      /* not an address */
    }
    return null;
  }

  var form = document.getElementById("options");
  Array.prototype.forEach.call(form.elements, function (field) {
    if (field.name && params.has(field.name)) {
      field.value = params.get(field.name);
    }
  });
  if (params.toString()) {
    document.getElementById("options-panel").open = true;
  }

  var root = wizardRoot();
  if (!root) {
    return;
  }
  var element = document.createElement("div");
  element.id = "wizard";
  element.setAttribute("data-reset-wizard", "");
  var shown = [];
  OPTIONS.forEach(function (name) {
    var value = params.get(name);
    if (value) {
      element.setAttribute("data-" + name, value);
      shown.push(" data-" + name + '="' + value.replace(/[&"<>]/g, "") + '"');
    }
  });
  document.getElementById("widget-slot").appendChild(element);
  if (params.get("width") === "320") {
    document.getElementById("column").className = "narrow";
  }

  var src = new URL("public/embed.js", root).href;
  document.getElementById("snippet").textContent =
    '<script src="' + src + '" async></script>\n' +
    "<div data-reset-wizard" + shown.join("") + "></div>";

  var log = document.getElementById("events");
  ["ready", "step", "done", "error"].forEach(function (type) {
    element.addEventListener("resetwizard:" + type, function (event) {
      var item = document.createElement("li");
      item.textContent = type + " " + JSON.stringify(event.detail);
      log.appendChild(item);
    });
  });

  var script = document.createElement("script");
  script.src = src;
  script.async = true;
  document.body.appendChild(script);
})();
