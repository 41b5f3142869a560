// The instructor's live page. Every learner's text goes into the page as text (textContent), never as
// HTML. The private key arrives in the URL's fragment, which browsers never send to a server: it is
// exchanged once for a cookie, then removed from the address bar.
"use strict";
(function () {
  const asked = new URLSearchParams(location.search).get("lang");  // ?lang=zh, e.g. for a projector's browser
  const state = { lang: asked || localStorage.getItem("kata-room-lang") || (navigator.language || "en").slice(0, 2),
                  texts: {}, etag: null, view: null, open: null };
  if (state.lang !== "zh") state.lang = "en";
  const $ = (id) => document.getElementById(id);
  const T = (text) => state.texts[text] || text;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function duration(seconds) {
    if (seconds == null) return "";
    if (seconds < 90) return T("{n} s").replace("{n}", seconds);
    if (seconds < 5400) return T("{n} min").replace("{n}", Math.round(seconds / 60));
    return T("{n} h").replace("{n}", (seconds / 3600).toFixed(1));
  }

  async function login() {
    const match = location.hash.match(/key=([A-Za-z0-9_-]+)/);
    if (!match) return;
    history.replaceState(null, "", location.pathname + location.search);  // the key leaves the address bar at once
    await fetch("/api/login", { method: "POST", headers: { "Content-Type": "application/json" },
                                body: JSON.stringify({ key: match[1] }), credentials: "same-origin" });
  }

  async function loadTexts() {
    const response = await fetch(`/api/texts?lang=${state.lang}`);
    state.texts = await response.json();
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    for (const button of document.querySelectorAll("nav button"))
      button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    $("title").textContent = T("Workshop room");
    $("common-title").textContent = T("Most common explanations right now");
    $("history-close").textContent = T("Close");
  }

  function notice(text) {
    $("notice").hidden = !text;
    $("notice").textContent = text || "";
  }

  function drawHeader(view) {
    const join = $("join");
    join.textContent = `${T("Join with")}: kata room join ${view.address || location.host} ${view.code} --name …`;
    $("counts").textContent = `${T("learners")}: ${view.learners.length} · ${T("records")}: ${view.records}`;
  }

  function drawGrid(view) {
    const grid = $("grid");
    grid.replaceChildren();
    $("empty").hidden = view.learners.length > 0;
    $("empty").textContent = T("Nobody has joined yet.");
    if (!view.learners.length) return;
    const head = el("tr", {}, el("th", { class: "learner", text: T("Learner") }));
    for (const exercise of view.exercises)
      head.append(el("th", { scope: "col" }, el("abbr", { title: `${exercise.id} ${exercise.title}`, text: exercise.id.slice(0, 2) })));
    grid.append(el("thead", {}, head));
    const body = el("tbody");
    for (const learner of view.learners) {
      const name = el("button", { type: "button", text: learner.name, title: learner.name });
      name.addEventListener("click", () => openHistory(learner.id, learner.name));
      const row = el("tr", {}, el("td", { class: "learner" }, name));
      for (const exercise of view.exercises) {
        const cell = learner.cells[exercise.id];
        const current = learner.current === exercise.id ? " current" : "";
        if (!cell) { row.append(el("td", { class: "not-started" + current, title: T("not started"), text: "·" })); continue; }
        if (cell.status === "done") {
          row.append(el("td", { class: "done" + current, title: `${T("done")} ${cell.passed}/${cell.total}`, text: "✓" }));
          continue;
        }
        const long = cell.stuck != null && cell.stuck >= 600 ? " long" : "";
        const title = `${T("failing")} ${cell.passed}/${cell.total}; ${cell.failing.join(", ")}; ${T("hints")}: ${cell.hints}`;
        row.append(el("td", { class: "failing" + long + current, title },
                      document.createTextNode(`${cell.passed}/${cell.total}`),
                      el("span", { class: "stuck", text: `${T("stuck for")} ${duration(cell.stuck)}` })));
      }
      body.append(row);
    }
    grid.append(body);
  }

  function drawCommon(view) {
    const list = $("common");
    list.replaceChildren();
    $("calm").hidden = view.common.length > 0;
    $("calm").textContent = T("Nobody is failing right now.");
    for (const entry of view.common) {
      const item = el("li", {}, el("span", { class: "count", title: T("learners hit this"), text: String(entry.count) }),
                      document.createTextNode(entry.text),
                      el("span", { class: "who", text: `${entry.exercises.join(", ")} · ${entry.names.join(", ")}` }));
      if (entry.full !== entry.text) item.append(el("details", {}, el("summary", { text: T("Show all") }), el("pre", { text: entry.full })));
      list.append(item);
    }
  }

  function remember(key, value) {  // kept in the address, so a reload (or a bookmark) shows the same
    const params = new URLSearchParams(location.search);
    if (value == null) params.delete(key); else params.set(key, value);
    history.replaceState(null, "", `${location.pathname}?${params}`);
  }

  async function openHistory(id, name) {
    state.open = { id, name };
    remember("learner", id);
    const response = await fetch(`/api/learners/${id}?lang=${state.lang}`, { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    $("history-section").hidden = false;
    $("history-title").textContent = `${T("History")}: ${name}`;
    const table = $("history");
    table.replaceChildren(el("tr", {}, ...["when", "exercise", "passed", "hints", "from", "explanations"].map((h) => el("th", { text: T(h) }))));
    for (const r of data.records) {
      const when = new Date(r.at * 1000).toLocaleTimeString();
      table.append(el("tr", {}, el("td", { text: when }), el("td", { text: r.exercise }), el("td", { text: `${r.passed}/${r.total}` }),
                      el("td", { text: String(r.hints) }), el("td", { text: r.source }), el("td", { class: "learner", text: r.explanations.join(" · ") })));
    }
  }

  async function poll() {
    try {
      const headers = state.etag ? { "If-None-Match": state.etag } : {};
      const response = await fetch(`/api/room?lang=${state.lang}`, { credentials: "same-origin", headers });
      if (response.status === 401) { notice(T("This page needs the instructor's private link (`kata room link` prints it).")); return; }
      if (response.status === 200) {
        state.etag = response.headers.get("ETag");
        state.view = await response.json();
        drawHeader(state.view);
        drawGrid(state.view);
        drawCommon(state.view);
      }
      notice("");
    } catch (error) {
      notice(T("The room cannot be reached; retrying…"));
    }
  }

  async function start() {
    await login();
    await loadTexts();
    $("history-close").addEventListener("click", () => { $("history-section").hidden = true; state.open = null; remember("learner", null); });
    for (const button of document.querySelectorAll("nav button"))
      button.addEventListener("click", async () => {
        state.lang = button.dataset.lang;
        localStorage.setItem("kata-room-lang", state.lang);
        remember("lang", state.lang);
        state.etag = null;
        await loadTexts();
        await poll();
        if (state.open) await openHistory(state.open.id, state.open.name);
      });
    await poll();
    const shown = Number(new URLSearchParams(location.search).get("learner"));  // ?learner=ID opens that history
    const learner = state.view && state.view.learners.find((l) => l.id === shown);
    if (learner) await openHistory(learner.id, learner.name);
    setInterval(poll, 2000);
  }

  start();
})();
