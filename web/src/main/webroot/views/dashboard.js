// The supervisors' dashboard (#/dashboard): live tiles and the at-risk list from the stream's
// dashboard topic (one snapshot a second, computed once per account on the server), agents with
// their state and load, today's charts per channel and hour (volume and SLA attainment, from
// /reports/intraday, refreshed every minute), the CSAT trend of the last 14 days, and the reports
// table with CSV download.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import { api } from '../api.js';
import { on } from '../bus.js';
import { h, clear, $ } from '../dom.js';
import { stream } from '../stream.js';
import { state, userName } from '../store.js';
import { channelLabel } from '../format.js';
import { toastError } from '../notify.js';
import { countdownBadge, metricLabel } from '../sla.js';

const DAY = 86400000;
const CHART_REFRESH_MS = 60000;
/** One colour per channel kind, so a channel keeps its colour in both charts. */
const CHANNEL_COLOURS = { email: '#2f6fed', chat: '#1a7f4b', phone: '#b7791f', social: '#8e44ad', none: '#7f8c8d' };
const HOURS = Array.from({ length: 24 }, (_, h) => h);

function pct(v) { return v == null ? '–' : `${Math.round(v * 1000) / 10}%`; }
function mins(v) { return v == null ? '–' : v < 90 ? `${Math.round(v)} min` : `${Math.round(v / 6) / 10} h`; }
function isoDay(d) { return d.toISOString().slice(0, 10); }

export class Dashboard {
  constructor() {
    this.el = $('#dashboard');
    this.visible = false;
    this.charts = [];
    this.chartTimer = null;
    on('ephemeral', (msg) => { if (msg.type === 'dashboard.snapshot' && this.visible) this.render(msg.data || {}); });
    on('stream-ready', () => { if (this.visible) stream.send({ type: 'subscribe', topic: 'dashboard' }); });
    $('#report-form').addEventListener('submit', (e) => { e.preventDefault(); this.runReport(); });
    $('#report-csv').addEventListener('click', () => this.downloadCsv());
    const today = new Date();
    $('#report-from').value = isoDay(new Date(today.getTime() - 7 * DAY));
    $('#report-to').value = isoDay(new Date(today.getTime() + DAY));
  }

  static allowed() { return ['supervisor', 'admin'].includes(state.me?.role); }

  show() {
    if (!Dashboard.allowed()) { location.hash = ''; return; }
    if (this.visible) return;
    this.visible = true;
    this.el.hidden = false;
    $('.panes').hidden = true;
    stream.send({ type: 'subscribe', topic: 'dashboard' });
    this.loadCharts();
    this.chartTimer = setInterval(() => this.loadCharts(), CHART_REFRESH_MS);
    this.runReport();
  }

  hide() {
    if (!this.visible) return;
    this.visible = false;
    this.el.hidden = true;
    $('.panes').hidden = false;
    clearInterval(this.chartTimer);
    this.chartTimer = null;
    stream.send({ type: 'unsubscribe', topic: 'dashboard' });
  }

  render(d) {
    const queues = d.queues || [];
    const open = queues.reduce((n, q) => n + (q.conversations || 0), 0);
    const unassigned = queues.reduce((n, q) => n + (q.unassigned || 0), 0);
    const att = d.attainmentToday || {};
    const csat = d.csat7d || {};
    const fr = d.firstResponseMinutesToday || {};
    const res = d.resolutionMinutesToday || {};
    const agents = d.agents || {};
    const tiles = [
      ['Live conversations', String(open), `${unassigned} unassigned`],
      ['At risk', String((d.atRisk || []).filter((r) => r.secondsLeft >= 0 && r.secondsLeft < 1800).length), 'due within 30 min'],
      ['Breaches today', String(d.breachesToday ?? 0), 'SLA targets missed', 'tile-breaches'],
      ['First response', pct(att.firstResponse), 'attainment today'],
      ['Next response', pct(att.nextResponse), 'attainment today'],
      ['Resolution', pct(att.resolution), 'attainment today'],
      ['First response time', mins(fr.p50), `p90 ${mins(fr.p90)}`],
      ['Resolution time', mins(res.p50), `p90 ${mins(res.p90)}`],
      ['CSAT (7 days)', pct(csat.score), `response rate ${pct(csat.responseRate)}`],
      ['Agents', `${agents.online ?? 0} online`, `${agents.away ?? 0} away · ${agents.offline ?? 0} offline`],
    ];
    const tilesEl = $('#dash-tiles');
    clear(tilesEl);
    for (const [label, value, sub, id] of tiles) {
      tilesEl.append(h('div', { class: 'tile', dataset: { tile: id || null } },
        h('div', { class: 'tile-label' }, label), h('div', { class: 'tile-value' }, value), h('div', { class: 'tile-sub' }, sub)));
    }

    const risk = $('#dash-risk');
    clear(risk);
    for (const r of d.atRisk || []) {
      risk.append(h('li', { class: 'risk-row', dataset: { id: r.conversationId } },
        h('a', { href: `#/c/${encodeURIComponent(r.conversationId)}` }, r.subject || '(no subject)'),
        h('span', { class: 'muted' }, metricLabel(r.metric)),
        h('span', { class: 'muted' }, r.assigneeId ? (userName(r.assigneeId) || 'Assigned') : 'Unassigned'),
        countdownBadge(r.dueAt)));
    }
    $('#dash-risk-empty').hidden = (d.atRisk || []).length > 0;

    const queueEl = $('#dash-queues');
    clear(queueEl);
    for (const q of queues) {
      queueEl.append(h('tr', null, h('td', null, channelLabel(q.channel)), h('td', null, q.status),
        h('td', { class: 'num' }, String(q.conversations)), h('td', { class: 'num' }, String(q.unassigned))));
    }

    const age = d.queueByAge || {};
    const agesEl = $('#dash-ages');
    clear(agesEl);
    for (const [label, n] of [['under 15 min', age.under15m], ['15-60 min', age.under1h], ['1-4 h', age.under4h], ['over 4 h', age.over4h]]) {
      agesEl.append(h('tr', null, h('td', null, label), h('td', { class: 'num' }, String(n ?? 0))));
    }

    const load = new Map((d.load || []).map((l) => [l.userId, l.open]));
    const agentsEl = $('#dash-agents');
    clear(agentsEl);
    for (const u of state.users.values()) {
      if (u.disabled) continue;
      const presence = state.presence.get(u.id) || 'offline';
      agentsEl.append(h('tr', null, h('td', null, u.name || u.email || u.id),
        h('td', null, h('span', { class: ['presence-dot', `presence-${presence}`] }), ` ${presence}`),
        h('td', { class: 'num' }, String(load.get(u.id) || 0))));
    }
  }

  /**
   * Today per channel and hour (new conversations; share of SLA targets met), and CSAT per day
   * over the last 14 days, both from the reports API.
   */
  async loadCharts() {
    const to = new Date(Date.now() + DAY);
    const from = new Date(to.getTime() - 15 * DAY);
    try {
      const [intraday, days] = await Promise.all([
        api('GET', '/api/v1/reports/intraday'),
        api('GET', '/api/v1/reports/summary', { query: { from: isoDay(from), to: isoDay(to), groupBy: 'day' } })]);
      if (!this.visible) return;
      const share = (v) => (v == null ? null : Math.round(v * 1000) / 10);
      for (const c of this.charts) c.destroy();
      this.charts = [];
      const width = Math.max(280, Math.min(560, ($('#dash-charts').clientWidth || 600) / 2 - 24));
      const channels = intraday.data.channels || [];
      const day = `${intraday.data.date} (${intraday.data.timezone})`;
      const colour = (ch) => CHANNEL_COLOURS[ch.channel] || '#555';
      const hourAxis = { values: (u, ticks) => ticks.map((h) => `${h}:00`) };
      this.charts.push(new uPlot({
        title: `Today ${day}: new conversations per hour`, width, height: 220,
        scales: { x: { time: false, range: [0, 23] } },
        axes: [hourAxis, { label: 'conversations' }],
        series: [{ label: 'hour' }, ...channels.map((ch) => ({ label: channelLabel(ch.channel), stroke: colour(ch), width: 2 }))],
      }, [HOURS, ...channels.map((ch) => ch.conversations)], $('#dash-chart-volume')));
      this.charts.push(new uPlot({
        title: `Today ${day}: SLA targets met per hour`, width, height: 220,
        scales: { x: { time: false, range: [0, 23] }, y: { range: [0, 100] } },
        axes: [hourAxis, { label: '% met' }],
        series: [{ label: 'hour' }, ...channels.map((ch) => ({
          label: channelLabel(ch.channel), stroke: colour(ch), width: 2, spanGaps: false, points: { show: true } }))],
      }, [HOURS, ...channels.map((ch) => ch.attainment.map(share))], this.chartBox('dash-chart-attainment')));
      const rows = (days.data.rows || []).filter((r) => r.key).sort((a, b) => a.key.localeCompare(b.key));
      const xs = rows.map((r) => Date.parse(`${r.key}T12:00:00Z`) / 1000);
      this.charts.push(new uPlot({
        title: 'CSAT per day (share of 4-5 ratings)', width, height: 220,
        scales: { y: { range: [0, 100] } },
        series: [{}, { label: 'CSAT %', stroke: '#8e44ad', points: { show: true } },
          { label: 'Response rate %', stroke: '#7f8c8d', dash: [4, 4] }],
      }, [xs, rows.map((r) => share(r.csatScore)), rows.map((r) => share(r.csatResponseRate))], $('#dash-chart-csat')));
    } catch (e) {
      toastError(e, 'Could not load the charts');
    }
  }

  /** A chart's box in the charts card, made once (before the CSAT chart). */
  chartBox(id) {
    let box = document.getElementById(id);
    if (!box) {
      box = h('div', { id });
      $('#dash-charts').insertBefore(box, $('#dash-chart-csat'));
    }
    return box;
  }

  reportQuery() {
    return { from: $('#report-from').value, to: $('#report-to').value, groupBy: $('#report-group').value };
  }

  async runReport() {
    try {
      const { data } = await api('GET', '/api/v1/reports/summary', { query: this.reportQuery() });
      const body = $('#report-rows');
      clear(body);
      for (const r of data.rows || []) {
        body.append(h('tr', null, h('td', null, r.label || r.key || '–'),
          h('td', { class: 'num' }, String(r.conversations)),
          h('td', { class: 'num' }, `${mins(r.firstResponseP50Minutes)} / ${mins(r.firstResponseP90Minutes)}`),
          h('td', { class: 'num' }, `${mins(r.resolutionP50Minutes)} / ${mins(r.resolutionP90Minutes)}`),
          h('td', { class: 'num' }, pct(r.attainment?.firstResponse)),
          h('td', { class: 'num' }, pct(r.attainment?.nextResponse)),
          h('td', { class: 'num' }, pct(r.attainment?.resolution)),
          h('td', { class: 'num' }, String(r.breaches)),
          h('td', { class: 'num' }, pct(r.csatScore)),
          h('td', { class: 'num' }, pct(r.csatResponseRate))));
      }
      $('#report-empty').hidden = (data.rows || []).length > 0;
    } catch (e) {
      toastError(e, 'Could not run the report');
    }
  }

  async downloadCsv() {
    try {
      const { res } = await api('GET', '/api/v1/reports/summary', { query: this.reportQuery(), headers: { Accept: 'text/csv' }, raw: true });
      const url = URL.createObjectURL(await res.blob());
      const q = this.reportQuery();
      const a = h('a', { href: url, download: `switchboard-${q.groupBy}-${q.from}-${q.to}.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      toastError(e, 'Could not download the CSV');
    }
  }
}
