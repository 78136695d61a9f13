// The webhooks panel: one organisation's subscriptions, and its deliveries newest first, each
// opening to every attempt (time, status or error, duration, the answer's body); ping a
// subscription, redeliver a delivery. Retries run on the fake's clock: advance it to see them.
import { field, fillSelect, h, listWithDetail, replace } from '../dom.js';

/** The newest deliveries the tab lists. */
const SHOWN = 100;

function outcome(attempt) {
  if (attempt === undefined) return 'not sent yet';
  return attempt.error === null ? String(attempt.status) : `${attempt.status ?? 'no answer'}: ${attempt.error}`;
}

/**
 * Mounts the webhooks panel in `view`.
 *
 * @example
 * const webhooks = webhooksPanel(document.querySelector('#view-webhooks'), context);
 * await webhooks.refresh();
 */
export function webhooksPanel(view, { admin, announce, fail, changed }) {
  let last = '';
  let openId;
  const org = h('select', { id: 'webhooks-org' });
  const status = h('select', { id: 'webhooks-status' });
  fillSelect(status, [['', 'any'], ...['pending', 'delivered', 'failed', 'canceled'].map((s) => [s, s])]);
  const subscriptions = h('table', { className: 'list', id: 'webhooks-table' });
  const noSubscriptions = h('p', { className: 'muted' }, 'No subscriptions: POST /__admin/webhooks {orgId, url} adds one.');
  const summary = h('p', { className: 'muted', id: 'deliveries-summary' });
  const deliveries = h('tbody');
  const detail = h('section', { className: 'detail', id: 'delivery-detail', 'aria-label': 'Delivery', tabindex: '-1' });
  for (const control of [org, status])
    control.addEventListener('change', () => {
      last = '';
      refresh().catch(fail);
    });
  replace(
    view,
    h('h2', { className: 'visually-hidden' }, 'Webhooks'),
    h(
      'form',
      { className: 'filters', 'aria-label': 'Which webhooks', onsubmit: (event) => event.preventDefault() },
      field('Organisation', org),
      field('Delivery status', status),
    ),
    h('h3', {}, 'Subscriptions'),
    noSubscriptions,
    subscriptions,
    h('h3', {}, 'Deliveries'),
    summary,
    listWithDetail(
      'deliveries-table',
      'Deliveries, newest first',
      ['Id', 'Event', 'Subscription', 'Status', 'Attempts', 'Last answer', 'Next attempt'],
      deliveries,
      detail,
    ),
  );
  replace(detail, h('p', { className: 'muted' }, 'Open a delivery to see each attempt.'));

  async function act(run, what) {
    try {
      const result = await run();
      announce(`${what}: ${result.id}`);
      changed();
    } catch (error) {
      fail(error);
    }
  }

  function showDetail(delivery) {
    openId = delivery.id;
    replace(
      detail,
      h(
        'div',
        { className: 'detail-head' },
        h('h3', {}, `${delivery.eventType} → ${delivery.subscriptionId}: ${delivery.status}`),
        h(
          'button',
          {
            type: 'button',
            onclick: () => act(() => admin('POST', `/webhooks/deliveries/${encodeURIComponent(delivery.id)}/redeliver`), 'Redelivered as'),
          },
          'Redeliver',
        ),
      ),
      h(
        'dl',
        { className: 'meta' },
        ...[
          ['Id', delivery.id],
          ['Event', delivery.eventId],
          ['Created', delivery.createdAt],
          ['Next attempt', delivery.nextAttemptAt ?? 'none'],
        ].flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]),
      ),
      h(
        'table',
        { className: 'list', id: 'attempts-table' },
        h('caption', {}, 'Attempts'),
        h('thead', {}, h('tr', {}, ...['#', 'At', 'Answer', 'ms', 'Body'].map((name) => h('th', { scope: 'col' }, name)))),
        h(
          'tbody',
          {},
          ...delivery.attempts.map((a) =>
            h(
              'tr',
              { className: a.error === null ? 's2' : 's5' },
              h('td', {}, a.attempt),
              h('td', {}, a.at),
              h('td', { className: 'status' }, outcome(a)),
              h('td', { className: 'num' }, a.durationMs.toFixed(1)),
              h('td', {}, h('code', {}, a.body)),
            ),
          ),
        ),
      ),
    );
  }

  function open(delivery) {
    showDetail(delivery);
    for (const row of deliveries.querySelectorAll('tr.open')) row.classList.remove('open');
    deliveries.querySelector(`tr[data-id="${delivery.id}"]`)?.classList.add('open');
    detail.focus();
  }

  async function refresh() {
    const { organisations } = await admin('GET', '/organisations');
    fillSelect(
      org,
      organisations.map((o) => [o.orgId, `${o.orgId} (${o.webhooks ?? 0} subscriptions)`]),
    );
    if (org.value === '') return false;
    const [{ webhooks }, { deliveries: log }] = await Promise.all([
      admin('GET', '/webhooks', { query: { orgId: org.value } }),
      admin('GET', '/webhooks/deliveries', { query: { orgId: org.value, status: status.value } }),
    ]);
    const text = JSON.stringify([webhooks, log]);
    if (text === last) return false;
    last = text;
    noSubscriptions.hidden = webhooks.length > 0;
    replace(
      subscriptions,
      h('caption', { className: 'visually-hidden' }, `Subscriptions of ${org.value}`),
      h('thead', {}, h('tr', {}, ...['Id', 'URL', 'Events', 'Active', 'Description', ''].map((name) => h('th', { scope: 'col' }, name)))),
      h(
        'tbody',
        {},
        ...webhooks.map((w) =>
          h(
            'tr',
            { 'data-id': w.id },
            h('td', {}, w.id),
            h('td', {}, w.url),
            h('td', {}, w.events.join(', ')),
            h('td', {}, w.active ? 'yes' : 'no'),
            h('td', {}, w.description),
            h(
              'td',
              {},
              h(
                'button',
                {
                  type: 'button',
                  'aria-label': `Ping ${w.id}`,
                  onclick: () => act(() => admin('POST', `/webhooks/${encodeURIComponent(w.id)}/ping`), 'Ping queued as'),
                },
                'Ping',
              ),
            ),
          ),
        ),
      ),
    );
    const newest = log.slice(-SHOWN).reverse();
    summary.textContent = `${log.length} deliveries${log.length > SHOWN ? `, the newest ${SHOWN} listed` : ''}`;
    deliveries.replaceChildren(
      ...newest.map((d) =>
        h(
          'tr',
          {
            'data-id': d.id,
            className: `${d.status === 'delivered' ? 's2' : d.status === 'pending' ? 's4' : 's5'}${d.id === openId ? ' open' : ''}`,
          },
          h(
            'td',
            {},
            h(
              'button',
              {
                type: 'button',
                className: 'link id',
                'aria-label': `Open ${d.id} ${d.eventType}`,
                onclick: () => open(d),
              },
              d.id,
            ),
          ),
          h('td', {}, d.eventType),
          h('td', {}, d.subscriptionId),
          h('td', { className: 'status' }, d.status),
          h('td', { className: 'num' }, d.attempts.length),
          h('td', {}, outcome(d.attempts.at(-1))),
          h('td', {}, d.nextAttemptAt ?? ''),
        ),
      ),
    );
    const opened = log.find((d) => d.id === openId);
    if (opened !== undefined) showDetail(opened);
    return true;
  }

  return { refresh };
}
