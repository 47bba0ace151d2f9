"""The script the recorder puts into every page: it listens and reports what the user does.

`LISTENER_JS` is added with `BrowserContext.add_init_script`, so it runs in
every document of the recorded browser before the page's own scripts. It
listens in the capture phase (a page that stops propagation does not hide an
action) and reports through the binding `BINDING`, one JSON text per action. The
binding is the Chrome DevTools Protocol's own (`Runtime.addBinding` on the
recorded page): a one-way message, where Playwright's `expose_binding` would
answer every call with a round trip into the page. The actions:

==========  ================================================================
`load`      a document of the top frame loaded: its URL, the navigation type
            (`navigate`, `reload`, `back_forward`) and whether a recorded
            action came just before the previous document was left
`click`     a click with the mouse (`detail` > 0); also `dblclick`, `rightclick`
`fill`      the value of a text field once typing into it rests (250 ms), or
            before the next report, or when the page is left
`select`    the chosen option of a `<select>` (its label)
`check`     a checkbox or radio button after `change` (`checked`)
`press`     a key that is not text typing: Enter, Escape, Tab, Space outside
            fields and boxes, arrows outside text fields, chords with
            Control/Alt/Meta
`assert`    Control+Shift+E over an element, or a click in the overlay's pick mode
==========  ================================================================

Every element comes with what the recorder needs to name it (`describe`): tag,
role and accessible name, label, placeholder, test id, id, text, a CSS path
that names it alone, and for each target kind how many elements of the page
that target would match, counted the way Playwright's locators match
(case-insensitive substrings, whitespace-normalised; role targets skip hidden
elements). Only the top frame is recorded.

The overlay is a small panel in a closed shadow root outside `<body>` (so no
locator and no count sees it): its button turns the pick mode on, in which the
next click records an expectation for the clicked element instead of acting.
"""

from __future__ import annotations

import json

from panoptic.families.ai.generate import ROLE_KINDS

BINDING = "__panopticRecord"
"""The name of the function the page calls to report an action."""

LISTENER_JS = r"""
(() => {
  if (window !== window.top || window.__panopticRecorder) return;
  // What the listener costs the page: actions seen, reports sent, milliseconds spent in its handlers.
  const stats = window.__panopticRecorder = {actions: 0, events: 0, ms: 0, flush: () => flushFill()};
  const timed = (fn) => (e) => {
    const start = performance.now();
    try { fn(e); } finally { stats.ms += performance.now() - start; }
  };
  const sendNow = (event) => {
    stats.events += 1;
    try {
      window.__panopticRecord(JSON.stringify(event));
    } catch (err) { /* the binding is gone while the page closes */ }
  };
  // Typing is reported once the field's value rests (FILL_REST ms), before any other report, when another
  // field is typed into, and when the page is left: one report per field instead of one per key.
  const FILL_REST = 250;
  let pendingFill = null;
  let pendingField = null;
  let fillTimer = 0;
  const flushFill = () => {
    clearTimeout(fillTimer);
    if (!pendingFill) return;
    const event = pendingFill;
    pendingFill = pendingField = null;
    sendNow(event);
  };
  const send = (event) => {
    stats.actions += 1;
    flushFill();
    event.t = Date.now();
    sendNow(event);
  };
  const queueFill = (field, event) => {
    stats.actions += 1;
    if (pendingField !== field) flushFill();
    event.t = Date.now();
    pendingFill = event;
    pendingField = field;
    clearTimeout(fillTimer);
    fillTimer = setTimeout(flushFill, FILL_REST);
  };
  const KEY = 'panoptic-recorder';
  const store = {
    get: (k) => { try { return sessionStorage.getItem(KEY + k); } catch (e) { return null; } },
    set: (k, v) => { try { sessionStorage.setItem(KEY + k, String(v)); } catch (e) { /* storage off */ } },
  };
  const acted = () => store.set('action', Date.now());

  // ---- roles, names, labels (what Playwright's role, label and text locators read) ----
  const INPUT_ROLES = {button: 'button', submit: 'button', reset: 'button', image: 'button', checkbox: 'checkbox',
    radio: 'radio', range: 'slider', number: 'spinbutton', search: 'searchbox'};
  const IMPLICIT = {A: 'link', AREA: 'link', BUTTON: 'button', TEXTAREA: 'textbox', SUMMARY: 'button',
    H1: 'heading', H2: 'heading', H3: 'heading', H4: 'heading', H5: 'heading', H6: 'heading', IMG: 'img'};
  const ROLE_SELECTORS = {
    button: 'button,input[type=button],input[type=submit],input[type=reset],input[type=image],summary,[role]',
    link: 'a[href],area[href],[role]',
    checkbox: 'input[type=checkbox],[role]', radio: 'input[type=radio],[role]',
    textbox: 'input,textarea,[role]', searchbox: 'input[type=search],[role]', combobox: 'select,input[list],[role]',
    heading: 'h1,h2,h3,h4,h5,h6,[role]', slider: 'input[type=range],[role]', spinbutton: 'input[type=number],[role]',
  };
  const ROLE_KINDS = __ROLE_KINDS__;
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const low = (s) => norm(s).toLowerCase();
  const roleOf = (e) => {
    const explicit = (e.getAttribute('role') || '').trim().split(/\s+/)[0];
    if (explicit) return explicit;
    if (e.tagName === 'INPUT') {
      const type = (e.getAttribute('type') || 'text').toLowerCase();
      if (type === 'hidden') return '';
      if (e.hasAttribute('list') && ['text', 'search', 'email', 'tel', 'url'].includes(type)) return 'combobox';
      return INPUT_ROLES[type] || 'textbox';
    }
    if (e.tagName === 'SELECT') return (e.multiple || e.size > 1) ? 'listbox' : 'combobox';
    if ((e.tagName === 'A' || e.tagName === 'AREA') && !e.hasAttribute('href')) return '';
    return IMPLICIT[e.tagName] || '';
  };
  const shown = (e) => {
    if (e.closest('[aria-hidden="true"]')) return false;
    if (e.checkVisibility) return e.checkVisibility({visibilityProperty: true});
    return e.getClientRects().length > 0;
  };
  const labelOf = (e) => {
    if (!e.labels || !e.labels.length) return '';
    const l = e.labels[0].cloneNode(true);
    l.querySelectorAll('input,select,textarea,button').forEach((c) => c.remove());
    return norm(l.textContent);
  };
  const byIds = (ids) => ids.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean)
    .map((x) => norm(x.textContent)).join(' ');
  const nameOf = (e, role) => {
    const labelled = e.getAttribute('aria-labelledby');
    if (labelled) { const n = byIds(labelled); if (n) return n; }
    const aria = norm(e.getAttribute('aria-label'));
    if (aria) return aria;
    if (e.tagName === 'INPUT' && ['button', 'submit', 'reset'].includes(e.type))
      return norm(e.value || (e.type === 'submit' ? 'Submit' : e.type === 'reset' ? 'Reset' : ''));
    if (e.tagName === 'IMG' || (e.tagName === 'INPUT' && e.type === 'image')) return norm(e.getAttribute('alt'));
    const label = labelOf(e);
    if (label) return label;
    if (['button', 'link', 'heading', 'checkbox', 'radio', 'tab', 'menuitem', 'option', 'switch'].includes(role)) {
      const t = norm(e.textContent);  // no layout: counting reads the names of many elements
      if (t) return t;
    }
    const title = norm(e.getAttribute('title'));
    if (title) return title;
    return ['textbox', 'searchbox', 'combobox', 'spinbutton'].includes(role) ? norm(e.getAttribute('placeholder')) : '';
  };
  const textOf = (e) => norm(e.innerText !== undefined ? e.innerText : e.textContent);

  // ---- how many elements each kind of target would match ----
  const countRole = (role, name) => {
    const want = name.toLowerCase();
    let n = 0;
    for (const x of document.querySelectorAll(ROLE_SELECTORS[role] || '[role]')) {
      if (roleOf(x) !== role || !shown(x)) continue;
      if (low(nameOf(x, role)).includes(want)) n += 1;
    }
    return n;
  };
  const countLabel = (label) => {
    const want = label.toLowerCase();
    const found = new Set();
    for (const l of document.querySelectorAll('label')) {
      if (l.control && low(l.textContent).includes(want)) found.add(l.control);
    }
    for (const x of document.querySelectorAll('[aria-label],[aria-labelledby]')) {
      const text = x.getAttribute('aria-labelledby') ? byIds(x.getAttribute('aria-labelledby')) : x.getAttribute('aria-label');
      if (low(text).includes(want)) found.add(x);
    }
    return found.size;
  };
  const countPlaceholder = (ph) => {
    const want = ph.toLowerCase();
    let n = 0;
    for (const x of document.querySelectorAll('[placeholder]')) if (low(x.getAttribute('placeholder')).includes(want)) n += 1;
    return n;
  };
  const SKIP_TEXT = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'TITLE']);
  const countText = (text, exact) => {
    const want = exact ? text : text.toLowerCase();
    let n = 0;
    const walk = (e) => {
      if (SKIP_TEXT.has(e.tagName)) return false;
      if (!low(e.textContent).includes(want.toLowerCase())) return false;
      if (exact && norm(e.textContent) !== want) {
        let child = false;
        for (const c of e.children) if (walk(c)) child = true;
        return child;
      }
      let child = false;
      for (const c of e.children) if (walk(c)) child = true;
      if (!child) n += 1;
      return true;
    };
    if (document.body) walk(document.body);
    return n;
  };
  const countAttr = (name, value) => document.querySelectorAll('[' + name + '="' + CSS.escape(value) + '"]').length;
  const cssPath = (e) => {
    const parts = [];
    for (let x = e; x && x.nodeType === 1 && x !== document.documentElement; x = x.parentElement) {
      if (x.id && /^[A-Za-z][\w-]*$/.test(x.id) && countAttr('id', x.id) === 1) { parts.unshift('#' + x.id); break; }
      let part = x.tagName.toLowerCase();
      const parent = x.parentElement;
      if (parent && part !== 'body') {
        const same = Array.from(parent.children).filter((c) => c.tagName === x.tagName);
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(x) + 1) + ')';
      }
      parts.unshift(part);
      if (part === 'body') break;
    }
    return parts.join(' > ');
  };

  const describe = (e) => {
    const tag = e.tagName.toLowerCase();
    const role = roleOf(e);
    let name = role ? nameOf(e, role) : '';
    if (name.length > 60) name = '';
    const label = labelOf(e).slice(0, 60);
    const placeholder = norm(e.getAttribute('placeholder')).slice(0, 60);
    const testid = e.getAttribute('data-testid') || '';
    const id = e.id || '';
    let text = ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName) ? '' : norm(e.textContent);
    if (text.length > 50) text = '';
    // Counted in the recorder's order of robustness, up to the first kind that matches this element alone.
    const counts = {};
    const FIELD = ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName);
    const steps = [
      ['testid', testid, () => countAttr('data-testid', testid)],
      ['role', ROLE_KINDS.includes(role) && name, () => countRole(role, name)],
      ['label', FIELD && label, () => countLabel(label)],
      ['placeholder', placeholder, () => countPlaceholder(placeholder)],
      ['id', /^[A-Za-z][\w-]*$/.test(id), () => countAttr('id', id)],
      ['text', text, () => countText(text, false)],
      ['text_exact', text, () => countText(text, true)],
    ];
    for (const [kind, usable, count] of steps) {
      if (!usable) continue;
      counts[kind] = count();
      if (counts[kind] === 1) break;
    }
    const full = textOf(e);
    return {
      tag, type: (e.getAttribute('type') || '').toLowerCase(), role, name, label, placeholder, testid, id, text,
      css: cssPath(e), counts,
      shown_text: full.length <= 80 ? full : '',
      value: ('value' in e && typeof e.value === 'string') ? e.value : null,
      checked: (e.type === 'checkbox' || e.type === 'radio') ? !!e.checked : null,
    };
  };
  // A field keeps its description while the user types into it (counting again per key would cost time).
  const described = new WeakMap();
  const describeField = (e) => {
    let d = described.get(e);
    if (!d) { d = describe(e); described.set(e, d); }
    return d;
  };

  // ---- what is a click, a fill, a key ----
  const TEXT_TYPES = new Set(['', 'text', 'search', 'email', 'tel', 'url', 'number', 'password', 'date',
    'datetime-local', 'month', 'time', 'week', 'color', 'range']);
  const isTextField = (e) => !!e && ((e.tagName === 'INPUT' && TEXT_TYPES.has((e.getAttribute('type') || '').toLowerCase()))
    || e.tagName === 'TEXTAREA');
  const CLICKABLE = 'a[href],button,input,select,textarea,summary,label,[role=button],[role=link],[role=checkbox],'
    + '[role=radio],[role=tab],[role=menuitem],[role=switch],[role=option],[role=treeitem]';
  const clickTarget = (e) => {
    const t = e.target instanceof Element ? e.target : null;
    if (!t) return null;
    return t.closest(CLICKABLE) || t;
  };
  // Clicks that another event records: fields take focus (their input is a fill), checkboxes and radios
  // change (check/uncheck), selects change (select), a label moves the click to its control.
  const recordedElsewhere = (t) => {
    if (isTextField(t) || t.tagName === 'SELECT' || t.tagName === 'OPTION') return true;
    if (t.tagName === 'INPUT' && ['checkbox', 'radio', 'file'].includes(t.type)) return true;
    if (t.tagName === 'LABEL' && t.control) return true;
    return false;
  };

  let hovered = null;
  let picking = false;
  const assertOn = (t) => { if (t && t !== host) send({type: 'assert', el: describe(t)}); };

  document.addEventListener('mouseover', (e) => { if (e.target instanceof Element) hovered = e.target; }, true);
  const onClick = (kind) => (e) => {
    if (!e.isTrusted) return;
    if (e.target === host) return;
    if (picking && kind === 'click') {
      e.preventDefault(); e.stopPropagation(); e.stopImmediatePropagation();
      picking = false; setPicking(false);
      assertOn(e.target instanceof Element ? e.target : null);
      return;
    }
    if (kind === 'click' && e.detail === 0) return;  // Enter or Space on a button: the key is recorded
    const t = clickTarget(e);
    if (!t || recordedElsewhere(t)) return;
    acted();
    send({type: kind, el: describe(t)});
  };
  document.addEventListener('click', timed(onClick('click')), true);
  document.addEventListener('dblclick', timed(onClick('dblclick')), true);
  document.addEventListener('contextmenu', timed(onClick('rightclick')), true);
  document.addEventListener('mousedown', (e) => { if (picking && e.isTrusted) { e.preventDefault(); e.stopPropagation(); } }, true);

  document.addEventListener('input', timed((e) => {
    const t = e.target;
    if (!isTextField(t)) return;  // untrusted too: a script or a driver may set a field and announce it
    acted();
    queueFill(t, {type: 'fill', el: describeField(t), value: t.value});
  }), true);
  document.addEventListener('change', timed((e) => {
    const t = e.target;
    if (!(t instanceof Element)) return;
    if (t === pendingField) flushFill();  // a text field's change: typing into it is over
    if (t.tagName === 'SELECT') {
      const option = t.selectedOptions && t.selectedOptions[0];
      if (!option) return;
      acted();
      send({type: 'select', el: describe(t), value: norm(option.label || option.text) || option.value});
    } else if (t.tagName === 'INPUT' && (t.type === 'checkbox' || t.type === 'radio')) {
      acted();
      send({type: 'check', el: describe(t), checked: !!t.checked});
    }
  }), true);

  const NAMED_KEYS = new Set(['Enter', 'Escape', 'Tab']);
  const MOVE_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown', 'Home', 'End',
    'Backspace', 'Delete']);
  const EDIT_CHORDS = new Set(['a', 'c', 'v', 'x', 'z', 'y']);
  document.addEventListener('keydown', timed((e) => {
    if (!e.isTrusted || e.repeat) return;
    if (e.ctrlKey && e.shiftKey && (e.code === 'KeyE' || e.key === 'E' || e.key === 'e')) {
      e.preventDefault(); e.stopPropagation();
      assertOn(hovered && hovered.isConnected ? hovered : document.activeElement);
      return;
    }
    if (['Control', 'Shift', 'Alt', 'Meta', 'CapsLock'].includes(e.key)) return;
    const active = document.activeElement;
    const inField = isTextField(active) || (active && active.isContentEditable);
    const chord = e.ctrlKey || e.altKey || e.metaKey;
    if (chord) {
      if (inField && e.key.length === 1 && EDIT_CHORDS.has(e.key.toLowerCase())) return;
    } else if (e.key === ' ') {
      // Space presses a button (its click has detail 0 and is not recorded); on a field, a checkbox or a
      // select it is typing or a change, recorded as such.
      if (inField || (active && recordedElsewhere(active))) return;
    } else if (!NAMED_KEYS.has(e.key) && !(MOVE_KEYS.has(e.key) && !inField)) {
      return;
    }
    let key = e.key === ' ' ? 'Space' : e.key;
    if (key.length === 1) key = key.toLowerCase();
    const mods = (e.ctrlKey ? 'Control+' : '') + (e.altKey ? 'Alt+' : '') + (e.metaKey ? 'Meta+' : '')
      + (e.shiftKey && (chord || key.length > 1) ? 'Shift+' : '');
    const focused = active && active !== document.body && active !== document.documentElement ? active : null;
    acted();
    send({type: 'press', key: mods + key, el: focused ? (isTextField(focused) ? describeField(focused) : describe(focused)) : null});
  }), true);

  window.addEventListener('beforeunload', () => { flushFill(); store.set('leave', Date.now()); }, true);
  window.addEventListener('pagehide', flushFill, true);
  const loaded = () => {
    const entry = performance.getEntriesByType('navigation')[0];
    const action = Number(store.get('action') || 0);
    const leave = Number(store.get('leave') || 0);
    send({type: 'load', url: location.href, nav: entry ? entry.type : 'navigate',
          caused: action > 0 && leave > 0 ? (leave - action >= 0 && leave - action < 1500) : null});
  };

  // ---- the overlay: a button that turns the pick mode on ----
  const host = document.createElement('panoptic-recorder');
  const root = host.attachShadow({mode: 'closed'});
  root.innerHTML = '<style>:host{all:initial;position:fixed;top:8px;right:8px;z-index:2147483647}'
    + 'button{font:12px sans-serif;padding:4px 8px;border:1px solid #555;border-radius:4px;background:#fff;cursor:pointer}'
    + 'button.on{background:#2a6;color:#fff}</style>'
    + '<button title="Click, then click an element to expect it (or hover it and press Ctrl+Shift+E)">Assert</button>';
  const button = root.querySelector('button');
  const setPicking = (on) => { picking = on; button.className = on ? 'on' : ''; button.textContent = on ? 'Pick an element' : 'Assert'; };
  button.addEventListener('click', (e) => { e.stopPropagation(); setPicking(!picking); });
  const mount = () => { if (!host.isConnected) document.documentElement.appendChild(host); };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', () => { mount(); loaded(); }, {once: true});
  } else { mount(); loaded(); }
})();
""".replace("__ROLE_KINDS__", json.dumps(list(ROLE_KINDS)))
