// The inspector page: mounts one module per panel and keeps them live by polling the admin API
// (the journal with its `after` cursor). A panel is a function of its element and the shared
// context that answers `{ refresh() }`, resolving true when what it shows changed.
import { AdminError, admin, currentToken, setToken, takeTokenFromAddress } from './admin-api.js';
import { clockPanel } from './panels/clock.js';
import { dataPanel } from './panels/data.js';
import { faultsPanel } from './panels/faults.js';
import { journalPanel } from './panels/journal.js';
import { resetPanel } from './panels/reset.js';
import { webhooksPanel } from './panels/webhooks.js';

/** How often the journal and the clock are asked for news. */
const POLL_MS = 250;
/** How often the other panels are refreshed when nothing said they changed. */
const SLOW_EVERY = 20;

const status = document.querySelector('#status');
const alertLine = document.querySelector('#alert');
const dialog = document.querySelector('#token-dialog');

let dirty = true;
const context = {
  admin,
  /** Says something in the polite live region. */
  announce(text) {
    status.textContent = text;
  },
  /** Shows an error in the alert region. */
  fail(error) {
    alertLine.textContent = error instanceof AdminError ? `${error.status} ${error.body?.code ?? ''}: ${error.message}` : error.message;
  },
  /** Asks every panel to refresh on the next tick (after an action here). */
  changed() {
    alertLine.textContent = '';
    dirty = true;
    wake();
  },
};

const live = {
  journal: journalPanel(document.querySelector('#view-journal'), context),
  clock: clockPanel(document.querySelector('#clock'), context),
};
// The other tabs, by their panel's id: the one on screen is refreshed on every poll too.
const others = new Map([
  ['view-data', dataPanel(document.querySelector('#view-data'), context)],
  ['view-webhooks', webhooksPanel(document.querySelector('#view-webhooks'), context)],
  ['view-faults', faultsPanel(document.querySelector('#view-faults'), context)],
  ['view-reset', resetPanel(document.querySelector('#view-reset'), context)],
]);

// Tabs: arrow keys move between them, as the ARIA tabs pattern has it.
const tabs = [...document.querySelectorAll('[role="tab"]')];
function select(tab) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    document.getElementById(other.getAttribute('aria-controls')).hidden = !selected;
  }
  tab.focus();
}
for (const tab of tabs) {
  tab.addEventListener('click', () => select(tab));
  tab.addEventListener('keydown', (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    select(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]);
  });
}

document.querySelector('#token-form').addEventListener('submit', () => {
  setToken(document.querySelector('#token-input').value);
  context.changed();
});

let tick = 0;
let timer;
let running = false;
let again = false;

/** Polls now, or as soon as the poll under way ends: one chain of polls, never two. */
function wake() {
  if (running) {
    again = true;
    return;
  }
  clearTimeout(timer);
  timer = setTimeout(poll, 0);
}

async function poll() {
  clearTimeout(timer);
  running = true;
  try {
    const slow = dirty || tick % SLOW_EVERY === 0;
    const [journalChanged, clockJumped] = await Promise.all([live.journal.refresh({ thorough: slow }), live.clock.refresh()]);
    if (journalChanged || clockJumped || slow) {
      dirty = false;
      await Promise.all([...others.values()].map((panel) => panel.refresh()));
    } else {
      // Deliveries and other changes the journal does not show: the tab on screen keeps up anyway.
      const shown = others.get(document.querySelector('[role="tabpanel"]:not([hidden])')?.id);
      await shown?.refresh();
    }
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (error instanceof AdminError && error.status === 401) {
      // A call sent before a new token was given proves nothing about the new one.
      if (error.token === currentToken() && !dialog.open) {
        document.querySelector('#token-error').textContent = error.token === null ? '' : 'That token was not accepted.';
        dialog.showModal();
      }
    } else context.fail(error);
  } finally {
    running = false;
    tick++;
    const delay = again ? 0 : POLL_MS;
    again = false;
    if (!document.hidden) timer = setTimeout(poll, delay);
  }
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) wake();
});

takeTokenFromAddress();
poll();
