// The clock panel: the fake's time, set it, advance it, freeze or unfreeze it. Scheduled tasks
// (request expiry, say) that come due run on the server as the clock moves.
import { field, h, replace } from '../dom.js';

/** Milliseconds of a duration such as `90s`, `15m`, `2h`, `7d` or `500` (ms); undefined when unreadable. */
export function parseDuration(text) {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (match === null) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 'ms').toLowerCase()];
  return Math.round(Number(match[1]) * unit);
}

/**
 * Mounts the clock panel in `view`.
 *
 * @example
 * const clock = clockPanel(document.querySelector('#clock'), context);
 * await clock.refresh(); // true when the clock moved other than by its own ticking
 */
export function clockPanel(view, { admin, announce, fail, changed }) {
  let shown;
  const now = h('output', { id: 'clock-now', 'aria-live': 'off' });
  const mode = h('span', { id: 'clock-mode', className: 'badge' });
  const freeze = h('button', { type: 'button', id: 'clock-freeze', onclick: toggleFreeze }, 'Freeze');
  const by = h('input', { id: 'clock-by', type: 'text', size: 6, value: '1h', autocomplete: 'off' });
  const to = h('input', { id: 'clock-to', type: 'text', size: 24, placeholder: '2026-01-01T00:00:00Z', autocomplete: 'off' });
  replace(
    view,
    h('span', { className: 'clock-now' }, 'Clock ', now, ' ', mode),
    freeze,
    h('form', { className: 'inline', onsubmit: advance }, field('Advance by', by), h('button', { type: 'submit' }, 'Advance')),
    h('form', { className: 'inline', onsubmit: setTo }, field('Set to', to), h('button', { type: 'submit' }, 'Set')),
  );

  function show(state) {
    shown = state;
    now.textContent = state.now;
    mode.textContent = state.frozen ? 'frozen' : 'running';
    freeze.textContent = state.frozen ? 'Unfreeze' : 'Freeze';
    freeze.setAttribute('aria-pressed', String(state.frozen));
  }

  async function act(run, what) {
    try {
      show(await run());
      announce(`${what}: ${shown.now}`);
      changed();
    } catch (error) {
      fail(error);
    }
  }

  function toggleFreeze() {
    const frozen = !shown?.frozen;
    return act(() => admin('PUT', '/clock', { body: { frozen } }), frozen ? 'Clock frozen' : 'Clock running');
  }

  function advance(event) {
    event.preventDefault();
    const ms = parseDuration(by.value);
    if (ms === undefined) return fail(new Error(`Cannot read "${by.value}" as a duration: write 500ms, 90s, 15m, 2h or 7d.`));
    return act(() => admin('POST', '/clock/advance', { body: { ms } }), 'Clock advanced');
  }

  function setTo(event) {
    event.preventDefault();
    const instant = Date.parse(to.value);
    if (Number.isNaN(instant)) return fail(new Error(`Cannot read "${to.value}" as an instant: write 2026-01-01T00:00:00Z.`));
    return act(() => admin('PUT', '/clock', { body: { now: new Date(instant).toISOString() } }), 'Clock set');
  }

  async function refresh() {
    const state = await admin('GET', '/clock');
    const jumped = shown !== undefined && (state.frozen !== shown.frozen || (state.frozen && state.now !== shown.now));
    show(state);
    return jumped;
  }

  return { refresh };
}
