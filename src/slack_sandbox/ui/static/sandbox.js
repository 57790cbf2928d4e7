// The sandbox UI's only script: polls for changes, sends clicks, submits and closes modals.
// The server renders every piece of HTML; this file only moves events back and forth.
(function () {
  "use strict";
  const app = document.getElementById("sb-app");
  if (!app) return;
  const base = "/ui/" + app.dataset.team + "/" + app.dataset.user;
  const surfaceHost = document.getElementById("sb-surface");
  const modalHost = document.getElementById("sb-modal");
  const banner = document.getElementById("sb-banner");
  let tab = app.dataset.tab;
  let version = -1;
  let htmlKey = "";
  let modalKey = "";

  async function post(path, body) {
    const response = await fetch(base + "/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    return response.json();
  }

  function say(message) {
    banner.textContent = message || "";
    banner.hidden = !message;
  }

  function showErrors(errors) {
    modalHost.querySelectorAll(".sb-error").forEach(function (slot) {
      slot.textContent = (errors || {})[slot.dataset.blockId] || "";
    });
  }

  async function refresh() {
    const response = await fetch(base + "/surface?tab=" + tab);
    const data = await response.json();
    version = data.version;
    if (data.html_key !== htmlKey) {
      surfaceHost.innerHTML = data.html;
      htmlKey = data.html_key;
    }
    // Re-render the modal only when the view itself changed, so typed values survive
    // a `response_action: errors` answer, as they do in Slack.
    if (data.modal_key !== modalKey) {
      modalHost.innerHTML = data.modal_html;
      modalKey = data.modal_key;
      const form = modalHost.querySelector("form.sb-modal");
      if (form) form.noValidate = true;
    }
    modalHost.hidden = !data.modal_html;
    showErrors(data.errors);
  }

  async function poll() {
    try {
      const response = await fetch(base + "/version");
      const data = await response.json();
      if (data.version !== version) await refresh();
    } catch (error) {
      // The sandbox restarted or is busy: try again on the next tick.
    }
    setTimeout(poll, 1000);
  }

  function container(element) {
    const holder = element.closest("[data-container]");
    if (!holder) return {};
    if (holder.dataset.container === "message") {
      return { channel: holder.dataset.channel, ts: holder.dataset.ts };
    }
    return { view_id: holder.dataset.viewId };
  }

  async function act(element, value) {
    const body = Object.assign(container(element), {
      action_id: element.dataset.actionId,
      block_id: element.dataset.blockId,
      value: value,
    });
    const result = await post("click", body);
    say(result.error || "");
    await refresh();
  }

  function inputValue(wrapper) {
    const type = wrapper.dataset.type;
    if (type === "checkboxes") {
      return Array.from(wrapper.querySelectorAll("input:checked")).map(function (i) {
        return i.value;
      });
    }
    if (type === "radio_buttons") {
      const checked = wrapper.querySelector("input:checked");
      return checked ? checked.value : null;
    }
    const control = wrapper.querySelector("input, textarea, select");
    return control ? control.value : null;
  }

  document.addEventListener("click", function (event) {
    const tabLink = event.target.closest("a[data-tab]");
    if (tabLink) {
      event.preventDefault();
      tab = tabLink.dataset.tab;
      document.querySelectorAll("a[data-tab]").forEach(function (link) {
        link.classList.toggle("sb-current", link.dataset.tab === tab);
      });
      htmlKey = "";
      // The Mail tab is the sandbox's own: Slack is not told about it.
      (tab === "mail" ? Promise.resolve() : post("open_tab", { tab: tab })).then(refresh);
      return;
    }
    if (event.target.closest(".sb-modal-close")) {
      event.preventDefault();
      post("close").then(refresh);
      return;
    }
    const button = event.target.closest("button.sb-action");
    if (button) {
      event.preventDefault();
      const details = button.closest("details");
      if (details) details.open = false;
      act(button, button.dataset.value);
    }
  });

  document.addEventListener("change", function (event) {
    // Inputs inside a modal's input blocks wait for Submit; only live elements act now.
    if (event.target.closest(".sb-input")) return;
    const element = event.target.closest(".sb-action");
    if (!element || element.tagName === "BUTTON") return;
    const type = element.dataset.type;
    if (type === "checkboxes") {
      act(element, Array.from(element.querySelectorAll("input:checked")).map(function (i) {
        return i.value;
      }));
    } else if (type === "radio_buttons") {
      act(element, event.target.value);
    } else {
      act(element, element.value);
    }
  });

  document.addEventListener("submit", async function (event) {
    const form = event.target.closest("form.sb-modal");
    if (!form) return;
    event.preventDefault();
    const values = {};
    form.querySelectorAll(".sb-input").forEach(function (wrapper) {
      values[wrapper.dataset.blockId] = {};
      values[wrapper.dataset.blockId][wrapper.dataset.actionId] = inputValue(wrapper);
    });
    const result = await post("submit", { view_id: form.dataset.viewId, values: values });
    say(result.error || "");
    showErrors(result.errors);
    await refresh();
  });

  (tab === "mail" ? Promise.resolve() : post("open_tab", { tab: tab })).then(refresh).then(poll);
})();
