// WhatsApp's 24-hour window in the composer. Outside it WhatsApp delivers only the channel's
// approved templates, so the composer swaps the free text for a template picker: one field per
// {{n}} placeholder and a preview of what the customer will read (the timeline shows the same).
import { h, clear, setOptions } from '../dom.js';
import { msgTime } from '../format.js';

const PLACEHOLDER = /\{\{\s*(\d+)\s*\}\}/g;

/** The placeholders' numbers of a template body, in order, each once. */
export function placeholders(body) {
  const seen = [];
  for (const m of String(body || '').matchAll(PLACEHOLDER)) {
    const n = Number(m[1]);
    if (!seen.includes(n)) seen.push(n);
  }
  return seen.sort((a, b) => a - b);
}

/** The body with {{n}} replaced by the n-th value (1-based). */
export function fill(body, values) {
  return String(body || '').replace(PLACEHOLDER, (all, n) => values[Number(n) - 1] ?? all);
}

export class TemplatePicker {
  /** @param textArea the composer's free-text field, hidden while a template is due */
  constructor(textArea) {
    this.textArea = textArea;
    this.option = null;
    this.select = h('select', { id: 'composer-template', 'aria-label': 'WhatsApp template' });
    this.fields = h('div', { class: 'template-fields' });
    this.preview = h('p', { id: 'composer-template-preview', class: 'template-preview', 'aria-live': 'polite' });
    this.notice = h('p', { class: 'template-notice' });
    this.el = h('div', { id: 'composer-templates', class: 'composer-templates', hidden: true },
      this.notice, h('label', { class: 'template-name' }, h('span', null, 'Template'), this.select), this.fields, this.preview);
    textArea.before(this.el);
    this.select.addEventListener('change', () => this.renderFields());
  }

  /** True while the reply must be a template. */
  get active() { return !this.el.hidden; }

  /**
   * Shows the picker when the reply goes to a WhatsApp customer outside the window; returns a hint
   * for the composer ("free text until ..." inside the window), or ''.
   */
  show(option) {
    const whatsapp = option && option.platform === 'whatsapp';
    const open = whatsapp && option.windowClosesAt && Date.parse(option.windowClosesAt) > Date.now();
    const due = !!(whatsapp && !open);
    if (due && this.option?.id !== option.id) {
      this.option = option;
      const templates = option.templates || [];
      setOptions(this.select, templates.map((t, i) => ({ value: String(i), label: `${t.name} (${t.language})` })), '0');
      this.notice.textContent = templates.length
        ? 'The customer last wrote on WhatsApp more than 24 hours ago: WhatsApp delivers only an approved template now.'
        : 'The customer last wrote on WhatsApp more than 24 hours ago, and this channel has no templates: an admin adds them in the channel\'s settings.';
      this.renderFields();
    }
    if (!due) this.option = null;
    this.el.hidden = !due;
    this.textArea.hidden = due;
    return open ? `WhatsApp: free text until ${msgTime(option.windowClosesAt)}, then only templates.` : '';
  }

  hide() {
    this.option = null;
    this.el.hidden = true;
    this.textArea.hidden = false;
  }

  template() {
    return (this.option?.templates || [])[Number(this.select.value)] || null;
  }

  renderFields() {
    clear(this.fields);
    const t = this.template();
    for (const n of placeholders(t?.body)) {
      const input = h('input', { type: 'text', class: 'template-value', 'data-n': String(n), maxlength: '1024', 'aria-label': `Value {{${n}}}`, placeholder: `{{${n}}}` });
      input.addEventListener('input', () => this.renderPreview());
      this.fields.append(input);
    }
    this.renderPreview();
  }

  values() {
    const t = this.template();
    const byN = new Map([...this.fields.querySelectorAll('input')].map((i) => [Number(i.dataset.n), i.value.trim()]));
    return placeholders(t?.body).map((n) => byN.get(n) || '');
  }

  renderPreview() {
    const t = this.template();
    this.preview.textContent = t ? fill(t.body, this.values()) : '';
  }

  /** What to send: {text, template}; a string saying what is missing when it cannot go yet. */
  message() {
    const t = this.template();
    if (!t) return 'This channel has no WhatsApp templates to send.';
    const values = this.values();
    const missing = values.findIndex((v) => !v);
    if (missing >= 0) {
      this.fields.querySelectorAll('input')[missing]?.focus();
      return 'Fill in every value of the template.';
    }
    return { text: fill(t.body, values), template: { name: t.name, language: t.language, parameters: values } };
  }
}
