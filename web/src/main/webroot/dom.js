// Safe DOM building. Customer data only ever reaches the page as text nodes or as values of
// attributes that cannot run code; there is no path here that parses HTML.

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'multiple', 'indeterminate']);
const URL_ATTRS = new Set(['href', 'src']);
const FORBIDDEN = new Set(['style', 'srcdoc', 'srcset', 'formaction', 'action', 'innerHTML', 'outerHTML']);

/** Returns the URL if it is same-origin, blob:, http(s):, mailto: or tel:, otherwise null. */
export function safeUrl(value) {
  if (value == null) return null;
  const s = String(value).trim();
  if (s.startsWith('#')) return s;
  try {
    const u = new URL(s, location.href);
    if (u.origin === location.origin) return u.href;
    if (['blob:', 'https:', 'http:', 'mailto:', 'tel:'].includes(u.protocol)) return u.href;
  } catch { /* not a URL */ }
  return null;
}

/**
 * h('div', {class: 'x', dataset: {id}, onclick: fn}, 'text', child) builds an element.
 * Strings become text nodes; `on*` props must be functions (added as listeners, never attributes).
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : String(v);
      else if (k === 'text') el.textContent = String(v);
      else if (k === 'dataset') { for (const [dk, dv] of Object.entries(v)) if (dv != null) el.dataset[dk] = String(dv); }
      else if (k.startsWith('on')) {
        if (typeof v !== 'function') throw new Error(`event handler ${k} must be a function`);
        el.addEventListener(k.slice(2).toLowerCase(), v);
      } else if (FORBIDDEN.has(k)) throw new Error(`attribute ${k} is not allowed here`);
      else if (URL_ATTRS.has(k)) { const u = safeUrl(v); if (u) el.setAttribute(k, u); }
      else if (PROPS.has(k)) el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** Replaces the options of a <select>; options = [{value, label}], keeps `selected` chosen. */
export function setOptions(select, options, selected) {
  clear(select);
  for (const o of options) {
    select.append(h('option', { value: o.value ?? '' }, o.label));
  }
  select.value = selected ?? '';
  if (select.value !== (selected ?? '') && options.length) select.selectedIndex = 0;
}
