// The journal panel: every API request the fake answered, newest first, filtered on the page, each
// opening to its headers, bodies and the fault that fired. Kept live by polling with a cursor.
import { field, fillSelect, h, json, keyValueTable, listWithDetail, replace, statusClass } from '../dom.js';

/** The newest entries the page keeps (and asks for after a reset). */
const KEEP = 1000;

/** Whether two journal entries are the same request (the journal restarts its ids on a reset). */
function sameEntry(a, b) {
  return (
    a.id === b.id && a.at === b.at && a.method === b.method && a.path === b.path && a.status === b.status && a.durationMs === b.durationMs
  );
}

/** Whether an entry passes the filter form. */
function matches(entry, filter) {
  if (filter.orgId !== '' && entry.orgId !== filter.orgId) return false;
  if (filter.method !== '' && entry.method !== filter.method) return false;
  if (filter.path !== '' && !entry.path.toLowerCase().includes(filter.path.toLowerCase())) return false;
  if (filter.status !== '') {
    const wanted = filter.status.trim().toLowerCase();
    const text = String(entry.status);
    if (/^[0-9]xx$/.test(wanted) ? text[0] !== wanted[0] : text !== wanted) return false;
  }
  if (filter.faultsOnly && entry.fault === null) return false;
  return true;
}

/** The path as the client wrote it, query included. */
function pathAndQuery(entry) {
  const query = new URLSearchParams(entry.query).toString();
  return query === '' ? entry.path : `${entry.path}?${query}`;
}

function timeOf(iso) {
  return iso.slice(11, 23);
}

/**
 * Mounts the journal panel in `view`.
 *
 * @example
 * const journal = journalPanel(document.querySelector('#view-journal'), context);
 * await journal.refresh(); // true when entries came or went
 */
export function journalPanel(view, { admin, announce }) {
  let entries = [];
  let openId;
  const org = h('select', { id: 'journal-org' });
  const method = h('select', { id: 'journal-method' });
  fillSelect(method, [['', 'any'], ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => [m, m])]);
  const path = h('input', { id: 'journal-path', type: 'search', placeholder: '/clients', autocomplete: 'off' });
  const status = h('input', {
    id: 'journal-status',
    type: 'text',
    inputmode: 'numeric',
    placeholder: '404 or 4xx',
    size: 8,
    autocomplete: 'off',
  });
  const faultsOnly = h('input', { id: 'journal-faults', type: 'checkbox' });
  const count = h('p', { className: 'muted', id: 'journal-count' });
  const body = h('tbody');
  const detail = h('section', { className: 'detail', id: 'journal-detail', 'aria-label': 'Journal entry', tabindex: '-1' });
  const clear = h('button', { type: 'button', onclick: clearJournal }, 'Clear journal');

  const form = h(
    'form',
    { className: 'filters', role: 'search', 'aria-label': 'Filter the journal', onsubmit: (event) => event.preventDefault() },
    field('Organisation', org),
    field('Method', method),
    field('Path contains', path),
    field('Status', status),
    h('span', { className: 'field check' }, faultsOnly, h('label', { for: faultsOnly.id }, 'Faults only')),
    clear,
  );
  for (const control of [org, method, path, status, faultsOnly]) control.addEventListener('input', render);
  replace(
    view,
    h('h2', { className: 'visually-hidden' }, 'Journal'),
    form,
    count,
    listWithDetail(
      'journal-table',
      'Requests, newest first',
      ['Id', 'Time', 'Method', 'Path', 'Status', 'Organisation', 'Fault', 'ms'],
      body,
      detail,
    ),
  );
  replace(detail, h('p', { className: 'muted' }, 'Open a request to see its headers and bodies.'));

  function filter() {
    return { orgId: org.value, method: method.value, path: path.value, status: status.value, faultsOnly: faultsOnly.checked };
  }

  function rowOf(entry) {
    return h(
      'tr',
      {
        className: `${statusClass(entry.status)}${entry.fault === null ? '' : ' fault'}${entry.id === openId ? ' open' : ''}`,
        'data-id': entry.id,
      },
      h('td', {}, entry.id),
      h('td', {}, h('time', { datetime: entry.at }, timeOf(entry.at))),
      h('td', {}, entry.method),
      h(
        'td',
        {},
        h(
          'button',
          { type: 'button', className: 'link', 'aria-label': `Open ${entry.id} ${entry.method} ${entry.path}`, onclick: () => open(entry) },
          pathAndQuery(entry),
        ),
      ),
      h('td', { className: 'status' }, entry.status === 0 ? 'none' : entry.status),
      h('td', {}, entry.orgId ?? '—'),
      h('td', {}, entry.fault ?? ''),
      h('td', { className: 'num' }, entry.durationMs.toFixed(1)),
    );
  }

  function showCount() {
    count.textContent = `${body.rows.length} of ${entries.length} requests`;
    const orgs = [...new Set(entries.map((e) => e.orgId).filter((o) => o !== null))].sort();
    fillSelect(org, [['', 'any'], ...orgs.map((o) => [o, o])]);
  }

  /** Every row again: after a filter change or a reload. */
  function render() {
    const wanted = filter();
    const shown = [];
    for (let i = entries.length - 1; i >= 0; i--) if (matches(entries[i], wanted)) shown.push(rowOf(entries[i]));
    body.replaceChildren(...shown);
    showCount();
  }

  /** New entries on top and dropped ones gone, leaving the other rows be (a busy suite adds many). */
  function update(added, dropped) {
    for (const entry of dropped) body.querySelector(`tr[data-id="${entry.id}"]`)?.remove();
    const wanted = filter();
    const rows = [];
    for (let i = added.length - 1; i >= 0; i--) if (matches(added[i], wanted)) rows.push(rowOf(added[i]));
    body.prepend(...rows);
    showCount();
  }

  function markOpen() {
    for (const row of body.querySelectorAll('tr.open')) row.classList.remove('open');
    if (openId !== undefined) body.querySelector(`tr[data-id="${openId}"]`)?.classList.add('open');
  }

  function open(entry) {
    openId = entry.id;
    replace(
      detail,
      h(
        'div',
        { className: 'detail-head' },
        h(
          'h3',
          { id: 'journal-detail-heading' },
          `${entry.method} ${pathAndQuery(entry)} → ${entry.status === 0 ? 'no answer' : entry.status}`,
        ),
        h('button', { type: 'button', onclick: closeDetail }, 'Close'),
      ),
      h(
        'dl',
        { className: 'meta' },
        ...[
          ['Id', entry.id],
          ['At', entry.at],
          ['Organisation', entry.orgId ?? 'none (not authenticated)'],
          ['API key', entry.apiKey ?? 'none'],
          ['Duration', `${entry.durationMs} ms`],
          ['Fault', entry.fault ?? 'none'],
        ].flatMap(([name, value]) => [
          h('dt', {}, name),
          h('dd', { className: name === 'Fault' && entry.fault !== null ? 'fault' : undefined }, value),
        ]),
      ),
      h('h4', {}, 'Request'),
      keyValueTable('Request headers', entry.requestHeaders),
      h('pre', { 'aria-label': 'Request body' }, entry.requestBody === null ? '(no body)' : json(entry.requestBody)),
      h('h4', {}, 'Response'),
      keyValueTable('Response headers', entry.responseHeaders),
      h('pre', { 'aria-label': 'Response body' }, entry.responseBody === null ? '(no body)' : json(entry.responseBody)),
    );
    markOpen();
    detail.focus();
  }

  function closeDetail() {
    openId = undefined;
    replace(detail, h('p', { className: 'muted' }, 'Open a request to see its headers and bodies.'));
    markOpen();
  }

  async function clearJournal() {
    await admin('DELETE', '/journal');
    announce('Journal cleared');
    await reload();
  }

  function seqOf(entry) {
    return Number(entry.id.slice(4));
  }

  /** Starts over from the newest entries the journal holds. */
  async function reload() {
    const { requests } = await admin('GET', '/journal', { query: { limit: KEEP } });
    entries = requests;
    if (openId !== undefined && !entries.some((e) => e.id === openId)) closeDetail();
    render();
    return true;
  }

  /**
   * Fetches what came since the newest entry the page has; true when entries came or went. With
   * `thorough`, also checks that none of the entries shown was removed (a reset of one
   * organisation removes its entries from the middle).
   */
  async function refresh({ thorough = false } = {}) {
    const last = entries.at(-1);
    if (last === undefined) {
      const { requests } = await admin('GET', '/journal', { query: { limit: KEEP } });
      if (requests.length === 0) return false;
      announce(`${requests.length} new request${requests.length === 1 ? '' : 's'} in the journal`);
      entries = requests;
      render();
      return true;
    }
    // Asking from the last known entry on: it must come back first, or the journal was cleared
    // (by a reset, say) and the page starts over from what the journal holds now.
    const { requests } = await admin('GET', '/journal', { query: { after: seqOf(last) - 1, limit: KEEP } });
    if (requests.length === 0 || !sameEntry(requests[0], last)) return reload();
    const added = requests.slice(1);
    if (thorough) {
      const { count } = await admin('POST', '/journal/count', { body: { after: seqOf(entries[0]) - 1 } });
      if (count !== entries.length + added.length) return reload();
    }
    if (added.length === 0) return false;
    const all = [...entries, ...added];
    const dropped = all.slice(0, Math.max(0, all.length - KEEP));
    entries = all.slice(dropped.length);
    announce(`${added.length} new request${added.length === 1 ? '' : 's'} in the journal`);
    update(added, dropped);
    return true;
  }

  return { refresh };
}
