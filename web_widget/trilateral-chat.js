/*!
 * Chat widget of the WHO–WIPO–WTO Trilateral COVID-19 Technical Assistance Platform.
 * Plain JavaScript, no dependencies, no build step. Embed with one tag:
 *   <script src="https://HOST/widget/trilateral-chat.js" defer
 *           data-server="https://HOST" data-lang="en" data-title="…"
 *           data-primary-color="#0a4f94" data-open="false"></script>
 * Every text that comes from the assistant or the delegate is put in the page with
 * textContent / text nodes, never parsed as HTML.
 */
(() => {
  "use strict";

  const script =
    document.currentScript || document.querySelector("script[src*='trilateral-chat']");
  if (!script || window.TrilateralChat) return; // one widget per page

  const LANGS = ["en", "fr", "es"];
  const MAX_CHARS = 4000;
  const REQUEST_TIMEOUT_MS = 45000; // the gateway gives Rasa 30 s
  const MAX_BACKOFF_MS = 30000;
  // Slots whose answer is personal data: the privacy notice is shown next to the input.
  const PERSONAL = new Set(["member", "institution", "requester_name", "email", "status_email"]);
  // Slots best answered with the offered buttons: they are shown large.
  const PROMINENT = new Set(["need_area", "organizations", "consent", "confirmed"]);
  const EMAIL = new Set(["email", "status_email"]);
  const AUTOCOMPLETE = { requester_name: "name", institution: "organization", email: "email", status_email: "email" };

  const STRINGS = {
    en: {
      launcher: "Chat with the assistant", title: "Technical assistance",
      subtitle: "WHO · WIPO · WTO assistant", close: "Close the chat",
      download: "Download transcript", language: "Language", log: "Conversation",
      input: "Your message", placeholder: "Type your message…",
      choose: "Or type your answer…", emailPlaceholder: "name@ministry.gov",
      send: "Send", typing: "The assistant is typing…", you: "You", assistant: "Assistant",
      sending: "Sending…", queued: "Not sent yet: it will be sent when the connection is back.",
      failed: "Not sent.", offline: "Connection lost. Your messages are kept and will be sent automatically.",
      retryIn: (n) => `Next try in ${n} s.`, retryNow: "Retry now",
      intro: "I help governments ask WHO, WIPO and WTO for technical assistance on COVID-19 vaccines, medicines and related technologies.",
      privacy: "Your name, institution and email are used only to answer your request.",
      privacyLink: "Privacy notice", newTab: "(opens in a new tab)", chosen: "(chosen)",
      suggested: "Suggested answers", yes: "Yes, send it", correct: "Correct something",
      unread: (n) => `${n} new message${n > 1 ? "s" : ""}`,
      transcript: "Conversation with the assistant of the WHO–WIPO–WTO Trilateral COVID-19 Technical Assistance Platform",
      downloaded: "Downloaded on", tooLong: "This message is too long; please shorten it.",
      rejected: "The assistant could not accept this message.", chars: (n) => `${n} of ${MAX_CHARS} characters`,
    },
    fr: {
      launcher: "Discuter avec l'assistant", title: "Assistance technique",
      subtitle: "Assistant OMS · OMPI · OMC", close: "Fermer la discussion",
      download: "Télécharger la transcription", language: "Langue", log: "Conversation",
      input: "Votre message", placeholder: "Écrivez votre message…",
      choose: "Ou écrivez votre réponse…", emailPlaceholder: "nom@ministere.gouv",
      send: "Envoyer", typing: "L'assistant écrit…", you: "Vous", assistant: "Assistant",
      sending: "Envoi…", queued: "Pas encore envoyé : il partira dès le retour de la connexion.",
      failed: "Non envoyé.", offline: "Connexion perdue. Vos messages sont conservés et seront envoyés automatiquement.",
      retryIn: (n) => `Nouvel essai dans ${n} s.`, retryNow: "Réessayer",
      intro: "J'aide les gouvernements à demander à l'OMS, à l'OMPI et à l'OMC une assistance technique sur les vaccins, médicaments et technologies connexes contre la COVID-19.",
      privacy: "Votre nom, votre institution et votre adresse électronique servent uniquement à répondre à votre demande.",
      privacyLink: "Avis de confidentialité", newTab: "(s'ouvre dans un nouvel onglet)", chosen: "(choisi)",
      suggested: "Réponses proposées", yes: "Oui, envoyer", correct: "Corriger quelque chose",
      unread: (n) => `${n} nouveau${n > 1 ? "x" : ""} message${n > 1 ? "s" : ""}`,
      transcript: "Conversation avec l'assistant de la Plateforme trilatérale OMS–OMPI–OMC d'assistance technique COVID-19",
      downloaded: "Téléchargée le", tooLong: "Ce message est trop long ; veuillez le raccourcir.",
      rejected: "L'assistant n'a pas pu accepter ce message.", chars: (n) => `${n} caractères sur ${MAX_CHARS}`,
    },
    es: {
      launcher: "Hablar con el asistente", title: "Asistencia técnica",
      subtitle: "Asistente OMS · OMPI · OMC", close: "Cerrar el chat",
      download: "Descargar la transcripción", language: "Idioma", log: "Conversación",
      input: "Su mensaje", placeholder: "Escriba su mensaje…",
      choose: "O escriba su respuesta…", emailPlaceholder: "nombre@ministerio.gob",
      send: "Enviar", typing: "El asistente está escribiendo…", you: "Usted", assistant: "Asistente",
      sending: "Enviando…", queued: "Aún no enviado: se enviará cuando vuelva la conexión.",
      failed: "No enviado.", offline: "Se perdió la conexión. Sus mensajes se conservan y se enviarán automáticamente.",
      retryIn: (n) => `Nuevo intento en ${n} s.`, retryNow: "Reintentar",
      intro: "Ayudo a los gobiernos a pedir a la OMS, la OMPI y la OMC asistencia técnica sobre vacunas, medicamentos y tecnologías conexas contra la COVID-19.",
      privacy: "Su nombre, institución y correo electrónico se usan solo para responder a su solicitud.",
      privacyLink: "Aviso de privacidad", newTab: "(se abre en una pestaña nueva)", chosen: "(elegida)",
      suggested: "Respuestas sugeridas", yes: "Sí, enviarla", correct: "Corregir algo",
      unread: (n) => `${n} mensaje${n > 1 ? "s" : ""} nuevo${n > 1 ? "s" : ""}`,
      transcript: "Conversación con el asistente de la Plataforma Trilateral OMS–OMPI–OMC de Asistencia Técnica sobre la COVID-19",
      downloaded: "Descargada el", tooLong: "Este mensaje es demasiado largo; acórtelo, por favor.",
      rejected: "El asistente no pudo aceptar este mensaje.", chars: (n) => `${n} de ${MAX_CHARS} caracteres`,
    },
  };
  const LANG_NAMES = { en: "English", fr: "Français", es: "Español" };

  // ---- configuration -------------------------------------------------------------------

  const data = script.dataset;
  const scriptUrl = new URL(script.src, location.href);
  const server = new URL(data.server || scriptUrl.origin, location.href).href.replace(/\/+$/, "");
  const serverOrigin = new URL(server).origin;
  const cfg = {
    server,
    stylesheet: new URL("trilateral-chat.css", scriptUrl).href,
    title: data.title || "",
    primary: /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(data.primaryColor || "") ? data.primaryColor : "#0a4f94",
    open: data.open === "true",
    privacyUrl: safeUrl(data.privacyUrl || "/privacy") || `${server}/privacy`,
  };

  // ---- storage: localStorage may be full or forbidden; the widget still works without it -

  function storageFor(area) {
    const memory = new Map();
    const key = (k) => `trilateral-chat:${server}:${k}`;
    return {
      get(k, fallback) {
        try {
          const raw = window[area].getItem(key(k));
          return raw === null ? fallback : JSON.parse(raw);
        } catch {
          return memory.has(k) ? memory.get(k) : fallback;
        }
      },
      set(k, v) {
        memory.set(k, v);
        try { window[area].setItem(key(k), JSON.stringify(v)); } catch { /* memory only */ }
      },
    };
  }
  const store = storageFor("localStorage");
  const tab = storageFor("sessionStorage"); // open/closed belongs to one tab

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
      b.toString(16).padStart(2, "0")).join("");
  }

  let senderId = store.get("sender", "");
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(senderId)) {
    senderId = newId();
    store.set("sender", senderId);
  }

  function pageLang() {
    const l = (document.documentElement.lang || "").slice(0, 2).toLowerCase();
    return LANGS.includes(l) ? l : null;
  }
  let lang = store.get("lang", null) || (LANGS.includes(data.lang) ? data.lang : null) || pageLang() || "en";
  const t = (k, ...args) => {
    const v = STRINGS[lang][k];
    return typeof v === "function" ? v(...args) : v;
  };

  // ---- state -----------------------------------------------------------------------------

  let outbox = store.get("outbox", []).filter((m) => m && m.id && m.text); // sent, not yet answered
  const transcript = []; // {role, text, ts}: what the delegate saw, for the download
  let expecting = null;
  let restored = false; // history loaded from the server
  let sending = false;
  let offline = false;
  let attempt = 0;
  let syncing = null; // the running restore/retry, so that two never overlap
  let retryTimer = null;
  let tickTimer = null;
  let retryAt = 0;
  let unread = 0;
  let isOpen = false;

  // ---- DOM helpers -----------------------------------------------------------------------

  function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v === null || v === undefined) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    el.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
    return el;
  }

  const ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.3 1.3 0 1 0 0 2.6A1.3 1.3 0 0 0 7 10zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6z",
    close: "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4L12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z",
    send: "M3 20.5V14l9-2-9-2V3.5L22 12z",
    download: "M11 3h2v9.2l3.3-3.3 1.4 1.4L12 16l-5.7-5.7 1.4-1.4L11 12.2zM4 18h16v2H4z",
  };
  function icon(name) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }
  const srOnly = (text) => h("span", { class: "tc-sr" }, text);

  // ---- safe rendering of the assistant's simple markdown ------------------------------------

  /** An http(s) URL, or a root-relative one on the assistant's server; anything else is text. */
  function safeUrl(raw) {
    let url;
    try {
      if (/^\/(?![/\\])/.test(raw)) {
        url = new URL(raw, `${server}/`);
        if (url.origin !== serverOrigin) return null;
      } else if (/^https?:\/\//i.test(raw)) {
        url = new URL(raw);
      } else {
        return null;
      }
    } catch {
      return null;
    }
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  }

  function link(label, href) {
    return h("a", { href, target: "_blank", rel: "noopener noreferrer" }, label, srOnly(` ${t("newTab")}`));
  }

  function inline(text, parent) {
    const re = /\*\*(.+?)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]*[^\s<>().,;:!?'"])/g;
    let last = 0;
    let m;
    while ((m = re.exec(text))) {
      parent.append(text.slice(last, m.index));
      if (m[1] !== undefined) {
        const strong = h("strong");
        inline(m[1], strong);
        parent.append(strong);
      } else {
        const label = m[2] !== undefined ? m[2] : m[4];
        const href = safeUrl(m[3] !== undefined ? m[3] : m[4]);
        parent.append(href ? link(label, href) : m[0]);
      }
      last = re.lastIndex;
    }
    parent.append(text.slice(last));
  }

  function markdown(text, parent) {
    let list = null;
    let para = null;
    for (const line of String(text).split(/\r?\n/)) {
      const item = /^\s*[-*•]\s+(.*)$/.exec(line);
      if (item) {
        if (!list) parent.append((list = h("ul")));
        const li = h("li");
        inline(item[1], li);
        list.append(li);
        para = null;
      } else if (!line.trim()) {
        list = para = null;
      } else {
        list = null;
        if (para) para.append(h("br"));
        else parent.append((para = h("p")));
        inline(line, para);
      }
    }
  }

  /** The markdown as plain text, links spelled out, for the transcript. */
  function plain(text) {
    return String(text)
      .replace(/\*\*(.+?)\*\*/g, "$1")
      .replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (_, label, url) => `${label} (${safeUrl(url) || url})`);
  }

  // ---- the widget's DOM ------------------------------------------------------------------

  const host = h("div", { id: "trilateral-chat", "data-busy": "false", "data-expecting": "" });
  const shadow = host.attachShadow({ mode: "open" });
  const sheet = h("link", { rel: "stylesheet", href: cfg.stylesheet });
  sheet.addEventListener("load", () => root.classList.add("tc-ready"));
  setColours(cfg.primary);

  const badge = h("span", { class: "tc-badge", "aria-hidden": "true", hidden: true });
  const launcher = h("button", { type: "button", class: "tc-launcher", "aria-controls": "tc-panel",
    "aria-expanded": "false", onclick: () => (isOpen ? close() : open()) }, icon("chat"), badge);
  const titleEl = h("h2", { id: "tc-title", class: "tc-title" });
  const subtitleEl = h("p", { class: "tc-subtitle" });
  const langLabel = h("label", { class: "tc-sr", for: "tc-lang" });
  const langSelect = h("select", { id: "tc-lang", class: "tc-lang", onchange: (e) => chooseLang(e.target.value) },
    ...LANGS.map((l) => h("option", { value: l, lang: l, title: LANG_NAMES[l] }, l.toUpperCase())));
  const downloadBtn = h("button", { type: "button", class: "tc-icon", onclick: downloadTranscript }, icon("download"));
  const closeBtn = h("button", { type: "button", class: "tc-icon", onclick: () => close() }, icon("close"));
  const retryText = h("span", { class: "tc-retry-in", "aria-hidden": "true" });
  const offlineText = h("span");
  const retryBtn = h("button", { type: "button", class: "tc-retry", onclick: () => retryNow() });
  const offlineBar = h("div", { class: "tc-offline", role: "status", hidden: true },
    h("p", {}, offlineText, " ", retryText), retryBtn);
  const introText = h("span");
  const introLink = h("a", { href: cfg.privacyUrl, target: "_blank", rel: "noopener noreferrer" });
  const intro = h("p", { class: "tc-intro" }, introText, " ", introLink);
  const messagesEl = h("div", { class: "tc-messages" });
  const log = h("div", { class: "tc-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    tabindex: "0" }, intro, messagesEl);
  const typing = h("div", { class: "tc-typing", hidden: true },
    h("span", { class: "tc-dots", "aria-hidden": "true" }, h("span"), h("span"), h("span")), srOnly(""));
  const typingStatus = h("div", { class: "tc-sr", role: "status" });
  const privacyText = h("span");
  const privacyLink = h("a", { href: cfg.privacyUrl, target: "_blank", rel: "noopener noreferrer" });
  const privacyBar = h("p", { class: "tc-privacy", hidden: true }, privacyText, " ", privacyLink);
  const inputLabel = h("label", { for: "tc-input", class: "tc-sr" });
  const textarea = h("textarea", { id: "tc-input", class: "tc-input", rows: "1", maxlength: String(MAX_CHARS),
    enterkeyhint: "send", "aria-describedby": "tc-counter" });
  const counter = h("span", { id: "tc-counter", class: "tc-counter" });
  const sendBtn = h("button", { type: "submit", class: "tc-send" }, icon("send"));
  const form = h("form", { class: "tc-form", novalidate: true }, inputLabel, textarea, sendBtn);
  const panel = h("section", { id: "tc-panel", class: "tc-panel", role: "dialog", "aria-labelledby": "tc-title",
    hidden: true },
  h("div", { class: "tc-header" },
    h("div", { class: "tc-heading" }, titleEl, subtitleEl),
    langLabel, langSelect, downloadBtn, closeBtn),
  offlineBar, log, typing, typingStatus, privacyBar, form, counter);
  const root = h("div", { class: "tc-root" }, launcher, panel);
  shadow.append(sheet, root);

  function setColours(hex) {
    const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join("")}` : hex;
    const rgb = [1, 3, 5].map((i) => parseInt(full.slice(i, i + 2), 16) / 255);
    const lin = rgb.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    const lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    const onWhite = 1.05 / (lum + 0.05);
    // Text on the brand colour is whichever of white or near-black reads at 4.5:1 or better;
    // a brand colour too light for text on white is not used for links and focus rings.
    host.style.setProperty("--tc-primary", full);
    host.style.setProperty("--tc-on-primary", onWhite >= 4.5 ? "#ffffff" : "#111111");
    host.style.setProperty("--tc-accent", onWhite >= 4.5 ? full : "#0a4f94");
  }

  function applyStrings() {
    root.setAttribute("lang", lang);
    launcher.setAttribute("aria-label", unread ? `${t("launcher")} (${t("unread", unread)})` : t("launcher"));
    titleEl.textContent = cfg.title || t("title");
    subtitleEl.textContent = t("subtitle");
    langLabel.textContent = t("language");
    langSelect.value = lang;
    for (const [btn, key] of [[downloadBtn, "download"], [closeBtn, "close"], [sendBtn, "send"]]) {
      btn.setAttribute("aria-label", t(key));
      btn.title = t(key);
    }
    offlineText.textContent = t("offline");
    retryBtn.textContent = t("retryNow");
    introText.textContent = t("intro");
    introLink.replaceChildren(t("privacyLink"), srOnly(` ${t("newTab")}`));
    privacyText.textContent = t("privacy");
    privacyLink.replaceChildren(t("privacyLink"), srOnly(` ${t("newTab")}`));
    log.setAttribute("aria-label", t("log"));
    inputLabel.textContent = t("input");
    typing.lastChild.textContent = t("typing");
    setExpecting(expecting);
    updateCounter();
    for (const el of messagesEl.querySelectorAll("[data-ts]")) el.textContent = formatTime(Number(el.dataset.ts));
    for (const el of messagesEl.querySelectorAll(".tc-who")) el.textContent = `${t(el.dataset.role)}: `;
  }

  // ---- messages --------------------------------------------------------------------------

  const pendingEls = new Map(); // client message id -> its bubble

  function formatTime(ms) {
    const d = new Date(ms);
    const today = d.toDateString() === new Date().toDateString();
    const opts = today ? { hour: "2-digit", minute: "2-digit" } : { dateStyle: "medium", timeStyle: "short" };
    // Geneva-style English: a 24-hour clock, like French and Spanish.
    return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : lang, opts).format(d);
  }

  function timeEl(ms) {
    return h("time", { datetime: new Date(ms).toISOString(), "data-ts": String(ms) }, formatTime(ms));
  }

  function addMessage(role, text, ms, { lang: msgLang } = {}) {
    const bubble = h("div", { class: "tc-bubble" }, h("span", { class: "tc-sr tc-who", "data-role": role === "user" ? "you" : "assistant" }, `${t(role === "user" ? "you" : "assistant")}: `));
    if (role === "bot") markdown(text || "", bubble);
    else bubble.append(h("p", {}, text)); // the delegate's words: never interpreted
    const meta = h("div", { class: "tc-meta" }, timeEl(ms));
    const el = h("div", { class: `tc-msg tc-${role}`, lang: msgLang || null }, bubble, meta);
    messagesEl.append(el);
    transcript.push({ role, text: text || "", ts: ms });
    if (role === "bot" && !isOpen) {
      unread += 1;
      badge.textContent = String(unread);
      badge.hidden = false;
      applyStrings();
    }
    scrollDown();
    return el;
  }

  function addReplies(msgEl, buttons, { answered = null } = {}) {
    const group = h("div", { class: "tc-replies", role: "group", "aria-label": t("suggested") });
    buttons.forEach((b, i) => {
      const btn = h("button", { type: "button", class: i === 0 ? "tc-reply tc-first" : "tc-reply",
        "data-payload": b.payload }, b.title);
      btn.addEventListener("click", () => {
        retireReplies(btn);
        enqueue(b.payload, b.title);
        (textarea.hidden ? emailInput : textarea).focus();
      });
      group.append(btn);
    });
    msgEl.append(group);
    if (answered !== null) retireGroup(group, answered);
  }

  function retireGroup(group, chosenTitle) {
    for (const btn of group.querySelectorAll("button")) {
      btn.disabled = true;
      if (chosenTitle !== undefined && btn.textContent === chosenTitle) markChosen(btn);
    }
    group.classList.add("tc-used");
    group.classList.remove("tc-prominent");
  }

  function markChosen(btn) {
    btn.classList.add("tc-chosen");
    btn.append(srOnly(` ${t("chosen")}`));
  }

  /** Quick replies are for the question just asked: once the delegate answers, they retire. */
  function retireReplies(chosen) {
    for (const group of messagesEl.querySelectorAll(".tc-replies:not(.tc-used)")) retireGroup(group, undefined);
    if (chosen) markChosen(chosen);
  }

  function activeReplies() {
    return messagesEl.querySelector(".tc-replies:not(.tc-used)");
  }

  function addUserBubble(item) {
    const el = addMessage("user", item.display || item.text, item.ts);
    const status = h("span", { class: "tc-status" }, t(offline ? "queued" : "sending"));
    el.querySelector(".tc-meta").append(status);
    el.classList.add("tc-pending");
    pendingEls.set(item.id, el);
  }

  function markSent(item) {
    const el = pendingEls.get(item.id);
    if (!el) return;
    el.classList.remove("tc-pending");
    el.querySelector(".tc-status")?.remove();
    pendingEls.delete(item.id);
  }

  function markFailed(item, reason) {
    const el = pendingEls.get(item.id);
    if (!el) return;
    el.classList.replace("tc-pending", "tc-failed");
    el.querySelector(".tc-status").textContent = `${t("failed")} ${reason}`;
    pendingEls.delete(item.id);
  }

  function refreshPendingStatus() {
    for (const el of pendingEls.values()) el.querySelector(".tc-status").textContent = t(offline ? "queued" : "sending");
  }

  function showAnswer(answer) {
    let last = null;
    let first = null;
    const now = Date.now();
    for (const m of answer.messages || []) {
      if (!m.text && !(m.buttons || []).length && !m.image) continue;
      last = addMessage("bot", m.text || "", now, { lang: answer.language });
      first = first || last;
      if (m.image && safeUrl(m.image)) last.querySelector(".tc-bubble").append(h("img", { src: safeUrl(m.image), alt: "" }));
      if ((m.buttons || []).length) addReplies(last, m.buttons);
    }
    followServer(answer);
    reveal(first);
  }

  /** Show the answer from its start when it is taller than the log, else scroll to the end. */
  function reveal(el) {
    scrollDown();
    if (el && el.offsetTop < log.scrollTop) log.scrollTop = el.offsetTop - 8;
  }

  function followServer(answer) {
    const hasConversation = transcript.length > 0;
    if (hasConversation && LANGS.includes(answer.language) && answer.language !== lang) {
      lang = answer.language; // the conversation moved to another language: so does the widget
      applyStrings();
    }
    setExpecting(answer.expecting || null);
    // The summary is answered with a clear yes or "correct something", buttons or not.
    const bots = messagesEl.querySelectorAll(".tc-bot");
    if (expecting === "confirmed" && !activeReplies() && bots.length) {
      addReplies(bots[bots.length - 1], [{ title: t("yes"), payload: "/affirm" }, { title: t("correct"), payload: "/correct_field" }]);
    }
    markProminent();
  }

  function markProminent() {
    const group = activeReplies();
    if (group) group.classList.toggle("tc-prominent", PROMINENT.has(expecting));
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  // ---- the input adapts to what the assistant asks -----------------------------------------

  const emailInput = h("input", { id: "tc-input-email", class: "tc-input", type: "email", autocomplete: "email",
    inputmode: "email", maxlength: String(MAX_CHARS), hidden: true, enterkeyhint: "send" });
  form.insertBefore(emailInput, sendBtn);

  function currentInput() {
    return textarea.hidden ? emailInput : textarea;
  }

  function setExpecting(slot) {
    expecting = slot;
    host.dataset.expecting = slot || "";
    const wantsEmail = EMAIL.has(slot);
    if (wantsEmail === textarea.hidden) {
      // unchanged
    } else {
      const from = currentInput();
      const to = wantsEmail ? emailInput : textarea;
      to.value = from.value;
      from.value = "";
      const hadFocus = shadow.activeElement === from;
      from.hidden = true;
      to.hidden = false;
      inputLabel.htmlFor = to.id;
      if (hadFocus) to.focus();
    }
    textarea.setAttribute("autocomplete", AUTOCOMPLETE[slot] || "off");
    textarea.placeholder = PROMINENT.has(slot) ? t("choose") : t("placeholder");
    emailInput.placeholder = t("emailPlaceholder");
    privacyBar.hidden = !PERSONAL.has(slot);
    markProminent();
  }

  function updateCounter() {
    const n = currentInput().value.length;
    counter.textContent = n > MAX_CHARS * 0.85 ? t("chars", n) : "";
  }

  function onInput() {
    store.set("draft", currentInput().value);
    updateCounter();
    if (currentInput() === textarea) {
      textarea.style.height = "auto";
      textarea.style.height = `${Math.min(textarea.scrollHeight, 140)}px`;
    }
  }
  textarea.addEventListener("input", onInput);
  emailInput.addEventListener("input", onInput);
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const input = currentInput();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    store.set("draft", "");
    onInput();
    retireReplies(null);
    enqueue(text, text);
    input.focus();
  });

  // ---- sending: an outbox kept in localStorage until the gateway answers -------------------

  function enqueue(text, display, { hidden = false, id = newId() } = {}) {
    const item = { id, text, display, hidden, lang, ts: Date.now() };
    outbox.push(item);
    store.set("outbox", outbox);
    if (!hidden) addUserBubble(item);
    flush();
  }

  class Permanent extends Error {}

  async function call(path, init) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
    try {
      const r = await fetch(`${server}${path}`, { ...init, signal: ctrl.signal, credentials: "omit" });
      if (r.ok) return await r.json();
      if (r.status === 413) throw new Permanent(t("tooLong"));
      if (r.status === 422 || r.status === 400) throw new Permanent(t("rejected"));
      throw new Error(`HTTP ${r.status}`); // 409 still answering, 5xx: try again later
    } finally {
      clearTimeout(timer);
    }
  }

  function setBusy() {
    host.dataset.busy = String(Boolean(sending || syncing || outbox.length));
    const showTyping = sending && !offline;
    typing.hidden = !showTyping;
    typingStatus.textContent = showTyping ? t("typing") : "";
    if (showTyping) scrollDown();
  }

  async function flush() {
    if (sending || !restored) return;
    sending = true;
    setBusy();
    try {
      while (outbox.length) {
        const item = outbox[0];
        let answer;
        try {
          answer = await call("/api/chat", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ sender_id: senderId, message: item.text,
              metadata: { language: item.lang || lang }, client_message_id: item.id }),
          });
        } catch (err) {
          if (!(err instanceof Permanent)) {
            goOffline();
            return;
          }
          outbox.shift();
          store.set("outbox", outbox);
          markFailed(item, err.message);
          // Nothing the delegate typed is lost: a refused message goes back to the input.
          if (!item.hidden && !currentInput().value) {
            currentInput().value = item.text;
            onInput();
          }
          continue;
        }
        outbox.shift();
        store.set("outbox", outbox);
        markSent(item);
        goOnline();
        showAnswer(answer);
      }
    } finally {
      sending = false;
      setBusy();
    }
  }

  function goOffline() {
    offline = true;
    offlineBar.hidden = false;
    host.dataset.offline = "true";
    refreshPendingStatus();
    setBusy();
    clearTimeout(retryTimer);
    // Exponential backoff with jitter, so that many widgets do not return all at once.
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
    attempt += 1;
    retryAt = Date.now() + delay;
    retryTimer = setTimeout(retryNow, delay);
    tick();
    tickTimer = tickTimer || setInterval(tick, 1000);
  }

  function tick() {
    retryText.textContent = t("retryIn", Math.max(0, Math.ceil((retryAt - Date.now()) / 1000)));
  }

  function goOnline() {
    if (!offline) return;
    offline = false;
    attempt = 0;
    offlineBar.hidden = true;
    host.dataset.offline = "false";
    clearInterval(tickTimer);
    tickTimer = null;
    refreshPendingStatus();
  }

  function retryNow() {
    clearTimeout(retryTimer);
    retryTimer = null;
    sync();
  }
  window.addEventListener("online", () => offline && retryNow());

  // ---- restoring the conversation from the server -----------------------------------------

  async function loadHistory() {
    let history;
    try {
      history = await call(`/api/chat/${encodeURIComponent(senderId)}/history`, { method: "GET" });
    } catch {
      goOffline();
      return false;
    }
    goOnline();
    messagesEl.replaceChildren();
    transcript.length = 0;
    pendingEls.clear();
    const msgs = history.messages || [];
    msgs.forEach((m, i) => {
      const el = addMessage(m.role, m.text || "", m.timestamp * 1000, { lang: m.role === "bot" ? history.language : null });
      if (m.role === "bot" && (m.buttons || []).length) {
        const next = msgs.slice(i + 1).find((n) => n.role === "user");
        addReplies(el, m.buttons, { answered: next ? next.text : null });
      }
    });
    unread = 0;
    badge.hidden = true;
    followServer(history);
    return true;
  }

  function sync() {
    syncing = syncing || resume().finally(() => {
      syncing = null;
      setBusy();
    });
    setBusy();
    return syncing;
  }

  async function resume() {
    if (!restored) {
      // Deliver what was sent before a reload first: the history then shows it once.
      if (!(await flushQuietly()) || !(await loadHistory())) return;
      restored = true;
      for (const item of outbox) if (!item.hidden) addUserBubble(item);
    }
    await flush();
    if (isOpen && !transcript.length && !outbox.length && !offline) greet();
  }

  /** Send queued messages without showing answers (the history will show them). */
  async function flushQuietly() {
    while (outbox.length) {
      const item = outbox[0];
      try {
        await call("/api/chat", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ sender_id: senderId, message: item.text,
            metadata: { language: item.lang || lang }, client_message_id: item.id }),
        });
      } catch (err) {
        if (!(err instanceof Permanent)) {
          goOffline();
          return false;
        }
        if (!item.hidden && !currentInput().value) {
          currentInput().value = item.text;
          onInput();
        }
      }
      outbox.shift();
      store.set("outbox", outbox);
    }
    return true;
  }

  /**
   * The assistant opens the conversation with its own greeting (intent /greet, in the page's
   * language): it is the same welcome for everyone, nothing is put in the delegate's mouth, and
   * the fixed id makes it happen once per conversation even with two tabs or a retry.
   */
  function greet() {
    enqueue("/greet", "", { hidden: true, id: "greet" });
  }

  // ---- open, close, language, transcript ---------------------------------------------------

  function open({ focus = true } = {}) {
    isOpen = true;
    tab.set("open", true);
    panel.hidden = false;
    root.classList.add("tc-is-open");
    launcher.setAttribute("aria-expanded", "true");
    launcher.firstChild.replaceWith(icon("close"));
    unread = 0;
    badge.hidden = true;
    applyStrings();
    scrollDown();
    if (focus) currentInput().focus();
    if (!restored) sync();
    else if (!transcript.length && !outbox.length) greet();
  }

  function close() {
    isOpen = false;
    tab.set("open", false);
    panel.hidden = true;
    root.classList.remove("tc-is-open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.firstChild.replaceWith(icon("chat"));
    launcher.focus();
  }

  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      close();
    }
  });

  function chooseLang(value) {
    if (!LANGS.includes(value)) return;
    lang = value;
    store.set("lang", value); // an explicit choice outlasts the page's language
    applyStrings();
  }

  function downloadTranscript() {
    const stamp = new Date();
    const lines = [t("transcript"), `${t("downloaded")} ${stamp.toISOString()}`, ""];
    for (const m of transcript) {
      lines.push(`[${new Date(m.ts).toISOString()}] ${t(m.role === "user" ? "you" : "assistant")}:`);
      lines.push(plain(m.text), "");
    }
    const blob = new Blob([lines.join("\n")], { type: "text/plain;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const a = h("a", { href: url, download: `transcript-${stamp.toISOString().slice(0, 16).replace(/[:T]/g, "")}.txt` });
    shadow.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ---- start -----------------------------------------------------------------------------

  function start() {
    document.body.append(host);
    const draft = store.get("draft", "");
    applyStrings();
    if (draft) {
      currentInput().value = draft;
      onInput();
    }
    // Elements of the host page can open the chat: <a data-trilateral-chat-open>.
    document.addEventListener("click", (e) => {
      const opener = e.target instanceof Element && e.target.closest("[data-trilateral-chat-open]");
      if (opener) {
        e.preventDefault();
        open();
      }
    });
    if (tab.get("open", cfg.open)) open({ focus: false });
    else if (outbox.length) sync(); // messages typed before a reload still go out
  }

  window.TrilateralChat = { open, close };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
