// The data panel: one organisation's records of one collection, a page at a time, through the
// collection's own list operation (GET /__admin/organisations/{orgId}/{collection}), never the
// whole store at once.
import { field, fillSelect, h, replace } from '../dom.js';

function nameOf(client) {
  return client.businessName ?? [client.nameFirst, client.nameLast].filter((part) => part !== undefined && part !== null).join(' ');
}

/** Steps of a request: each requirement, the current one marked. */
function steps(request) {
  const done = request.currentStep === null ? request.requirements.length : request.requirements.indexOf(request.currentStep);
  return h(
    'ol',
    { className: 'steps' },
    ...request.requirements.map((step, i) =>
      h('li', { className: i < done ? 'done' : i === done ? 'current' : undefined, 'aria-current': i === done ? 'step' : undefined }, step),
    ),
  );
}

/** The columns of each collection the tab shows (those with a list operation; webhooks have their own tab). */
const COLUMNS = {
  clients: [
    ['Id', (c) => c.id],
    ['Name', nameOf],
    ['Email', (c) => c.email ?? ''],
    ['Type', (c) => c.memberType],
    ['Country', (c) => c.country ?? ''],
    ['Requests', (c) => c.requestCount ?? 0],
    ['Created', (c) => c.createdAt],
  ],
  requests: [
    ['Id', (r) => r.id],
    ['Type', (r) => r.type],
    ['Status', (r) => h('span', { className: `badge st-${r.status}` }, r.status)],
    ['Steps', steps],
    ['Subject', (r) => r.subjectEmail ?? r.subjectName ?? ''],
    ['Client', (r) => r.clientId ?? ''],
    ['Expires', (r) => r.expiresAt],
    ['Updated', (r) => r.updatedAt],
  ],
};

/**
 * Mounts the data panel in `view`.
 *
 * @example
 * const data = dataPanel(document.querySelector('#view-data'), context);
 * await data.refresh();
 */
export function dataPanel(view, { admin }) {
  let page = 1;
  let last = '';
  const org = h('select', { id: 'data-org' });
  const collection = h('select', { id: 'data-collection' });
  const limit = h('select', { id: 'data-limit' });
  fillSelect(limit, [
    ['20', '20'],
    ['50', '50'],
    ['100', '100'],
  ]);
  const summary = h('p', { id: 'data-summary', className: 'muted' });
  const table = h('table', { className: 'list', id: 'data-table' });
  const previous = h('button', { type: 'button', onclick: () => go(page - 1) }, 'Previous page');
  const next = h('button', { type: 'button', onclick: () => go(page + 1) }, 'Next page');
  for (const control of [org, collection, limit])
    control.addEventListener('change', () => {
      page = 1;
      refresh();
    });
  replace(
    view,
    h('h2', { className: 'visually-hidden' }, 'Data'),
    h(
      'form',
      { className: 'filters', 'aria-label': 'Which records', onsubmit: (event) => event.preventDefault() },
      field('Organisation', org),
      field('Records', collection),
      field('Per page', limit),
    ),
    summary,
    h('div', { className: 'scroll' }, table),
    h('nav', { className: 'pager', 'aria-label': 'Pages' }, previous, next),
  );

  function go(to) {
    page = to;
    refresh();
  }

  async function refresh() {
    const { organisations } = await admin('GET', '/organisations');
    const collections = Object.keys(COLUMNS);
    fillSelect(
      org,
      organisations.map((o) => [o.orgId, `${o.orgId} (${collections.map((c) => `${o[c]} ${c}`).join(', ')})`]),
    );
    fillSelect(
      collection,
      collections.map((c) => [c, c]),
    );
    if (org.value === '' || collection.value === '') return false;
    const answer = await admin('GET', `/organisations/${encodeURIComponent(org.value)}/${encodeURIComponent(collection.value)}`, {
      query: { page, limit: limit.value },
    });
    const text = JSON.stringify(answer);
    if (text === last) return false;
    last = text;
    const { data, pagination } = answer;
    const columns = COLUMNS[collection.value];
    summary.textContent = `Page ${pagination.page} of ${Math.max(pagination.totalPages, 1)} — ${pagination.total} ${collection.value} of ${org.value}, newest first`;
    replace(
      table,
      h('caption', { className: 'visually-hidden' }, `${collection.value} of ${org.value}`),
      h('thead', {}, h('tr', {}, ...columns.map(([name]) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, ...data.map((record) => h('tr', { 'data-id': record.id }, ...columns.map(([, cell]) => h('td', {}, cell(record)))))),
    );
    previous.disabled = !pagination.hasPrev;
    next.disabled = !pagination.hasNext;
    return true;
  }

  return { refresh };
}
