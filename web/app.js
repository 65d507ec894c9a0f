// lexkit search page: plain JavaScript, no framework. Reads ?q= (and ?index=, ?k=) from
// the address, asks GET /search and renders titles and highlighted snippets. Text from the
// index is inserted as text nodes only (never as HTML). A server started with
// --read-token-file answers 401: the page then shows a token field; the token is kept in
// sessionStorage (this tab only) and sent as "Authorization: Bearer TOKEN".
"use strict";

const form = document.getElementById("search");
const qBox = document.getElementById("q");
const indexBox = document.getElementById("index");
const statusLine = document.getElementById("status");
const list = document.getElementById("results");
const tokenForm = document.getElementById("tokenform");
const tokenBox = document.getElementById("token");
const TOKEN_KEY = "lexkit-read-token";
let tokenHere = ""; // when sessionStorage is not available

function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || tokenHere; } catch (e) { return tokenHere; }
}

// fetch with the read token, if one was given; a 401 shows the token field.
async function authFetch(url) {
  const token = storedToken();
  const res = await fetch(url, token ? { headers: { Authorization: "Bearer " + token } } : {});
  if (res.status === 401) {
    tokenForm.hidden = false;
    tokenBox.focus();
  }
  return res;
}

function setStatus(text, isError) {
  statusLine.textContent = text;
  statusLine.className = isError ? "error" : "";
}

// A snippet is {"text", "start", "highlights": [[a, b], ...], "cut_start", "cut_end"} with
// code-point offsets into its text (as `lexkit search --format json --snippet` prints it):
// text nodes and <mark>s, with an ellipsis where the server says text was left out (a
// server from before cut_start/cut_end: guessed from start and the text's end, as before).
function renderSnippet(el, snippet) {
  const cps = Array.from(snippet.text || "");
  const cutStart = "cut_start" in snippet ? snippet.cut_start : snippet.start > 0;
  const cutEnd = "cut_end" in snippet ? snippet.cut_end : true;
  let at = 0;
  if (cutStart) el.appendChild(document.createTextNode("… "));
  for (const [s, e] of snippet.highlights || []) {
    if (s > at) el.appendChild(document.createTextNode(cps.slice(at, s).join("")));
    const m = document.createElement("mark");
    m.textContent = cps.slice(s, e).join("");
    el.appendChild(m);
    at = e;
  }
  if (at < cps.length) el.appendChild(document.createTextNode(cps.slice(at).join("")));
  if (cutEnd) el.appendChild(document.createTextNode(" …"));
}

function renderHits(data) {
  list.replaceChildren();
  for (const hit of data.hits) {
    const li = document.createElement("li");
    li.className = "hit";
    const title = document.createElement("h2");
    title.className = "title";
    title.textContent = (hit.fields && hit.fields.title) || hit.id;
    li.appendChild(title);
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = "id " + hit.id + " · score " + Number(hit.score).toFixed(4);
    li.appendChild(meta);
    if (hit.snippet) {
      const p = document.createElement("p");
      p.className = "snippet";
      renderSnippet(p, hit.snippet);
      li.appendChild(p);
    }
    list.appendChild(li);
  }
  const n = data.hits.length;
  setStatus(n + (n === 1 ? " result" : " results") + " for “" + data.query + "” in " +
            data.took_ms.toFixed(1) + " ms");
}

async function search(q, index, k) {
  if (!q) { list.replaceChildren(); setStatus(""); return; }
  const params = new URLSearchParams({ q: q, k: k || "10", fields: "title", snippet: "1" });
  if (index) params.set("index", index);
  setStatus("Searching…");
  try {
    const res = await authFetch("/search?" + params.toString());
    const data = await res.json();
    if (res.status === 401) {
      list.replaceChildren();
      setStatus((data.error || res.statusText) + ": enter the server's read token above", true);
      return;
    }
    if (!res.ok) { list.replaceChildren(); setStatus(data.error || res.statusText, true); return; }
    renderHits(data);
  } catch (e) {
    setStatus("Search failed: " + e.message, true);
  }
}

async function loadIndexes(selected) {
  try {
    const res = await authFetch("/info");
    if (!res.ok) { indexBox.hidden = true; return; }
    const info = await res.json();
    indexBox.replaceChildren();
    for (const ix of info.indexes) {
      const opt = document.createElement("option");
      opt.value = ix.name;
      opt.textContent = ix.name + " (" + ix.documents + ")";
      indexBox.appendChild(opt);
    }
    if (selected) indexBox.value = selected;
    indexBox.hidden = info.indexes.length < 2;
  } catch (e) {
    indexBox.hidden = true;
  }
}

function fromAddress() {
  const p = new URLSearchParams(window.location.search);
  const q = p.get("q") || "";
  qBox.value = q;
  return search(q, p.get("index") || "", p.get("k"));
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const p = new URLSearchParams({ q: qBox.value.trim() });
  if (indexBox.value && !indexBox.hidden) p.set("index", indexBox.value);
  history.pushState(null, "", "/?" + p.toString());
  fromAddress();
});
window.addEventListener("popstate", fromAddress);

tokenForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  tokenHere = tokenBox.value.trim();
  try { sessionStorage.setItem(TOKEN_KEY, tokenHere); } catch (e) { /* kept in tokenHere */ }
  tokenBox.value = "";
  tokenForm.hidden = true;
  loadIndexes(new URLSearchParams(window.location.search).get("index"));
  fromAddress();
});

const initial = new URLSearchParams(window.location.search);
loadIndexes(initial.get("index"));
fromAddress();
