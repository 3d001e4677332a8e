// The live queue: one event stream per browser (not per tab), rendering, actions, alerts.
// Why one stream per browser: HTTP/1.1 allows ~6 connections per host, so six tabs each holding
// an EventSource would starve the page's own requests. The tab that holds a Web Lock is the
// leader: it alone opens the stream and forwards each event to the other tabs over a
// BroadcastChannel; when it closes, the lock passes to another tab, which opens the stream.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const T = data.texts;
  const me = data.me;
  const mySites = new Set(data.sites.map((s) => s.id));
  const sitesById = new Map(data.sites.map((s) => [s.id, s]));
  const items = new Map(data.queue.map((q) => [q.id, q]));
  const clockOffset = Date.parse(data.server_now) - Date.now();
  let lastSeq = data.last_seq;
  const OPEN = new Set(["waiting", "claimed"]);
  const $ = (id) => document.getElementById(id);
  const fmt = (text, values) => text.replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : ""));

  // ---- calling the API ----
  async function api(path, body) {
    let response;
    try {
      response = await fetch(data.api + path, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": data.csrf },
        body: JSON.stringify(body || {}),
      });
    } catch (e) {
      return { ok: false, detail: T.network_error };
    }
    if (response.status === 401) { location.assign(data.login_url); return { ok: false, detail: "" }; }
    let json = null;
    try { json = await response.json(); } catch (e) { json = null; }
    return { ok: response.ok, status: response.status, json: json, detail: json && json.detail };
  }

  // ---- rendering ----
  function serveOrder(a, b) {
    if (a.escalated !== b.escalated) return a.escalated ? -1 : 1;
    const ta = Date.parse(a.created_at), tb = Date.parse(b.created_at);
    return ta !== tb ? ta - tb : a.id - b.id;
  }
  function waitedText(item) {
    const seconds = Math.max(0, Math.floor((Date.now() + clockOffset - Date.parse(item.created_at)) / 1000));
    return fmt(T.minutes_seconds, { m: Math.floor(seconds / 60), s: seconds % 60 });
  }
  function contextText(item) {
    const parts = [];
    if (item.demo) parts.push(T.doing + ": " + item.demo + (item.step ? " › " + item.step : ""));
    if (item.stuck_seconds >= 60) parts.push(fmt(T.stuck, { m: Math.floor(item.stuck_seconds / 60) }));
    parts.push(T.language + ": " + (data.language_names[item.language] || item.language));
    if (item.text_size > 100) parts.push(fmt(T.large_text, { size: item.text_size }));
    if (item.read_aloud) parts.push(T.read_aloud);
    return parts.join(" · ");
  }
  const notices = new Map();
  function render() {
    const list = $("queue");
    const open = Array.from(items.values()).filter(visible).sort(serveOrder);
    list.replaceChildren(...open.map(card));
    $("empty").hidden = open.length > 0;
    $("count").textContent = open.length ? "(" + open.length + ")" : "";
  }
  function visible(item) {
    // Regional staff see only the requests that waited past their site's limit (issue #6).
    return OPEN.has(item.state) && (me.role === "admin" || mySites.has(item.site_id)) &&
      (me.role !== "regional" || item.escalated);
  }
  function card(item) {
    const node = $("item-tpl").content.firstElementChild.cloneNode(true);
    node.dataset.id = item.id;
    node.dataset.state = item.state;
    node.classList.toggle("escalated", item.escalated);
    node.classList.toggle("fresh", freshIds.has(item.id));
    node.querySelector(".place").textContent = item.place;
    node.querySelector(".waited").textContent = waitedText(item);
    node.querySelector(".flag").hidden = !item.escalated;
    node.querySelector(".site-name").textContent = item.site_name;
    node.querySelector(".topic").textContent = item.topic || T.no_topic;
    node.querySelector(".context").textContent = contextText(item);
    const mine = item.helper_name === me.name;
    node.querySelector(".state").textContent =
      item.state === "claimed" ? fmt(T.taken_by, { name: item.helper_display_name || "" }) : T.waiting;
    node.querySelector(".take").hidden = item.state !== "waiting";
    node.querySelector(".release").hidden = !(item.state === "claimed" && (mine || me.role === "admin"));
    node.querySelector(".resolve").hidden = !(item.state === "claimed" && (mine || me.role === "admin"));
    node.querySelector(".take").onclick = () => act(item.id, "/claim");
    node.querySelector(".release").onclick = () => act(item.id, "/release");
    node.querySelector(".resolve").onclick = () => openResolve(item.id);
    const box = node.querySelector(".messages");
    const site = sitesById.get(item.site_id);
    for (const message of site ? site.quick_messages : []) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "message";
      button.dataset.key = message.key;
      button.textContent = message.text[data.lang] || message.text.fi || message.key;
      button.onclick = async () => {
        const r = await api("/requests/" + item.id + "/message", { key: message.key });
        setNotice(item.id, r.ok ? fmt(T.message_sent, { text: button.textContent }) : fmt(T.failed, { detail: r.detail }));
      };
      box.appendChild(button);
    }
    const select = node.querySelector(".move-target");
    for (const target of data.move_targets) {
      if (target.id === item.site_id) continue;
      const option = document.createElement("option");
      option.value = target.id;
      option.textContent = target.name;
      select.appendChild(option);
    }
    node.querySelector(".move").disabled = select.options.length === 0;
    node.querySelector(".move").onclick = () => act(item.id, "/move", { site_id: Number(select.value) });
    node.querySelector(".notice").textContent = notices.get(item.id) || "";
    return node;
  }
  function setNotice(id, text) {
    notices.set(id, text);
    const node = document.querySelector('.item[data-id="' + id + '"] .notice');
    if (node) node.textContent = text;
  }
  async function act(id, path, body) {
    const r = await api("/requests/" + id + path, body);
    if (r.ok && r.json && r.json.id) { upsert(r.json); notices.delete(id); render(); }
    else if (!r.ok) setNotice(id, fmt(T.failed, { detail: r.detail || r.status }));
  }
  function upsert(item) {
    const known = items.get(item.id);
    // Events can arrive twice (after a reconnect or a change of leader tab): never go backwards.
    if (known && known._seq && item._seq && item._seq < known._seq) return;
    items.set(item.id, Object.assign({}, item, { _seq: item._seq || (known && known._seq) }));
  }

  // ---- resolve dialog ----
  let resolving = null;
  function openResolve(id) {
    resolving = id;
    $("resolve-form").reset();
    $("resolve-error").textContent = "";
    $("resolve-dialog").showModal();
  }
  $("resolve-cancel").onclick = () => $("resolve-dialog").close();
  $("resolve-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData($("resolve-form"));
    const body = {
      need_type: form.get("need_type"),
      level: Number(form.get("level")),
      service_area: String(form.get("service_area") || "").trim(),
      on_behalf: form.get("on_behalf") === "on",
    };
    if (!body.need_type || !body.level || !body.service_area) { $("resolve-error").textContent = T.fill_all; return; }
    const r = await api("/requests/" + resolving + "/resolve", body);
    if (!r.ok) { $("resolve-error").textContent = fmt(T.failed, { detail: r.detail || r.status }); return; }
    items.delete(resolving);
    $("resolve-dialog").close();
    render();
  });

  // ---- duty ----
  function showDuty(siteId, helpers) {
    const site = sitesById.get(siteId);
    if (!site) return;
    site.helpers_on_duty = helpers;
    site.i_am_on_duty = helpers.includes(me.display_name);
    $("duty-" + siteId).textContent = helpers.length ? fmt(T.helpers_on_duty, { names: helpers.join(", ") }) : T.nobody_on_duty;
    const button = document.querySelector('button.duty[data-site="' + siteId + '"]');
    if (!button) return; // regional staff have no duty button
    button.dataset.on = String(site.i_am_on_duty);
    button.className = "duty " + (site.i_am_on_duty ? "on" : "off");
    button.textContent = site.i_am_on_duty ? T.go_off_duty : T.go_on_duty;
  }
  for (const button of document.querySelectorAll("button.duty")) {
    button.onclick = async () => {
      const siteId = Number(button.dataset.site);
      const r = await api("/duty", { site_id: siteId, on_duty: button.dataset.on !== "true" });
      if (r.ok) showDuty(siteId, r.json.helpers_on_duty);
    };
  }

  // ---- alerts ----
  const freshIds = new Set();
  const sound = $("sound");
  sound.checked = localStorage.getItem("dashboard-sound") !== "off";
  sound.onchange = () => localStorage.setItem("dashboard-sound", sound.checked ? "on" : "off");
  let audio = null;
  function audioContext() {
    if (!audio && window.AudioContext) audio = new AudioContext();
    return audio;
  }
  document.addEventListener("pointerdown", () => {
    const ctx = audioContext();
    if (ctx && ctx.state === "suspended") ctx.resume();
    $("sound-hint").hidden = true;
  });
  window.dashboardBeeps = 0;
  function beep() {
    if (!sound.checked) return;
    const ctx = audioContext();
    if (!ctx) return;
    if (ctx.state !== "running") { $("sound-hint").hidden = false; ctx.resume(); }
    // Two short rising tones: noticeable at a busy desk, not alarming.
    [0, 0.18].forEach((delay, i) => {
      const osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = i ? 880 : 660;
      gain.gain.setValueAtTime(0.25, ctx.currentTime + delay);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + delay + 0.16);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + delay);
      osc.stop(ctx.currentTime + delay + 0.17);
    });
    window.dashboardBeeps += 1;
  }
  const baseTitle = document.title;
  function alertNew(item, escalated) {
    freshIds.add(item.id);
    setTimeout(() => { freshIds.delete(item.id); render(); }, 8000);
    const banner = $("alert");
    const place = { place: item.place + " (" + item.site_name + ")" };
    banner.textContent = fmt(escalated ? T.escalated_alert : T.new_request, place);
    banner.classList.toggle("urgent", Boolean(escalated));
    banner.hidden = false;
    banner.classList.remove("flash");
    void banner.offsetWidth; // restart the animation
    banner.classList.add("flash");
    document.title = "(!) " + baseTitle;
    beep();
  }
  $("alert").onclick = () => { $("alert").hidden = true; document.title = baseTitle; };
  document.addEventListener("visibilitychange", () => { if (!document.hidden) document.title = baseTitle; });

  // ---- events ----
  function handle(ev) {
    if (ev.seq <= lastSeq) return;
    lastSeq = ev.seq;
    if (ev.type === "duty") { showDuty(ev.site_id, (ev.detail && ev.detail.helpers_on_duty) || []); return; }
    if (!ev.request) return;
    const item = Object.assign({}, ev.request, { _seq: ev.seq });
    upsert(item);
    if (!visible(items.get(item.id))) items.delete(item.id);
    else if (ev.type === "created" || (ev.type === "moved" && item.state === "waiting")) alertNew(item, false);
    else if (ev.type === "escalated") alertNew(item, true);
    render();
  }
  const TYPES = ["created", "claimed", "released", "moved", "message", "escalated", "resolved", "cancelled", "expired", "duty"];
  const channel = window.BroadcastChannel ? new BroadcastChannel("kiosk-dashboard-" + me.id) : null;
  let leader = false, live = false;
  if (channel) {
    channel.onmessage = (m) => {
      const msg = m.data || {};
      if (msg.event) handle(msg.event);
      else if (msg.live !== undefined) setLive(msg.live);
      else if (msg.loggedOut) location.assign(data.login_url);
      else if (msg.hello && leader) channel.postMessage({ live: live });
    };
    channel.postMessage({ hello: true }); // a new tab asks the leader whether the stream is up
  }
  function setLive(on) {
    live = on;
    $("live").textContent = on ? T.live : T.reconnecting;
    $("live").className = "live " + (on ? "on" : "off");
  }
  let retry = 1000;
  function openStream() {
    const source = new EventSource(data.stream_url + "?after=" + lastSeq, { withCredentials: true });
    const forward = (message) => {
      const ev = JSON.parse(message.data);
      handle(ev);
      if (channel) channel.postMessage({ event: ev });
    };
    TYPES.forEach((type) => source.addEventListener(type, forward));
    // The hub ends the stream when the session ends (logged out elsewhere, idle, expired).
    source.addEventListener("logged-out", () => {
      source.close();
      if (channel) channel.postMessage({ loggedOut: true });
      location.assign(data.login_url);
    });
    source.onopen = () => { retry = 1000; setLive(true); if (channel) channel.postMessage({ live: true }); };
    source.onerror = async () => {
      // Reconnect ourselves (not the browser's way) so the cursor is our latest event.
      source.close();
      setLive(false);
      if (channel) channel.postMessage({ live: false });
      const me401 = await fetch(data.api + "/me", { credentials: "same-origin" }).then((r) => r.status === 401, () => false);
      if (me401) { location.assign(data.login_url); return; }
      setTimeout(openStream, retry);
      retry = Math.min(retry * 2, 15000);
    };
    window.dashboardStream = source;
  }
  if (navigator.locks && channel) {
    navigator.locks.request("kiosk-dashboard-stream-" + me.id, () => new Promise(() => { leader = window.dashboardLeader = true; openStream(); }));
    // A follower tab shows "live" once the leader says so; until then it is waiting.
  } else {
    openStream();
  }

  // ---- the clock: waited times tick, idle sessions end ----
  let lastUse = Date.now();
  ["pointerdown", "keydown"].forEach((type) => document.addEventListener(type, () => { lastUse = Date.now(); }));
  setInterval(() => {
    for (const node of document.querySelectorAll("#queue .item")) {
      const item = items.get(Number(node.dataset.id));
      if (item) node.querySelector(".waited").textContent = waitedText(item);
    }
    if (Date.now() - lastUse > data.idle_seconds * 1000) location.assign(data.login_url);
  }, 1000);
  render();
})();
