// The ordered list of fault rules: first match wins, `times` counts down, `probability` is drawn
// from the seeded random source; start-up rules come back on reset.
import { StartupError } from '../errors.js';
import type { RandomSource } from '../random.js';
import { checkFaultRule, compileMatcher, type FaultRule, type FaultRuleInput, type FaultTarget } from './fault-rule.js';

/** A rule as listed: how many times it may still fire (null: no limit) and how often it has. */
export type ListedFaultRule = FaultRule & { remaining: number | null; hits: number };

interface ActiveRule {
  rule: FaultRule;
  matches: (target: FaultTarget) => boolean;
  remaining: number | null;
  hits: number;
}

/**
 * Holds the rules. The start-up rules are checked here, whoever gives them (a caller of createApp
 * too); a rule given to `add` must have been checked with `checkFaultRule`.
 *
 * @example
 * const rules = new FaultRules([{ method: 'POST', path: '/clients', status: 429, times: 2 }], random);
 * rules.take({ method: 'POST', path: '/clients', apiKey }); // the rule, twice; then undefined
 */
export class FaultRules {
  readonly #startup: readonly FaultRuleInput[];
  readonly #random: RandomSource;
  #active: ActiveRule[] = [];
  #nextId = 1;

  constructor(startup: readonly FaultRuleInput[], random: RandomSource) {
    startup.forEach((rule, index) => {
      const first = checkFaultRule(rule)[0];
      if (first !== undefined)
        throw new StartupError(`fault rule ${[index, first.field].filter((p) => p !== '').join('.')}: ${first.message}`);
    });
    this.#startup = startup;
    this.#random = random;
    this.reset();
  }

  /** Adds a rule at the end of the list. */
  add(input: FaultRuleInput): ListedFaultRule {
    const rule: FaultRule = { id: `flt_${this.#nextId++}`, ...input, method: input.method ?? '*', path: input.path ?? '*' };
    const active: ActiveRule = { rule, matches: compileMatcher(rule), remaining: input.times ?? null, hits: 0 };
    this.#active.push(active);
    return this.#listed(active);
  }

  /** How many rules there are. */
  get size(): number {
    return this.#active.length;
  }

  list(): ListedFaultRule[] {
    return this.#active.map((active) => this.#listed(active));
  }

  /** Removes one rule; false when there is none with that id. */
  remove(id: string): boolean {
    const before = this.#active.length;
    this.#active = this.#active.filter((active) => active.rule.id !== id);
    return this.#active.length < before;
  }

  /** Removes every rule, start-up rules included (until the next reset). */
  clear(): void {
    this.#active = [];
  }

  /** Back to the start-up rules with fresh counts; ids start over. */
  reset(): void {
    this.#active = [];
    this.#nextId = 1;
    for (const input of this.#startup) this.add(input);
  }

  /**
   * The rule that fires for this request, if any: the first whose matchers match and whose
   * probability draw succeeds. Counts the hit and retires a rule whose `times` are used up.
   */
  take(target: FaultTarget): FaultRule | undefined {
    for (const active of this.#active) {
      if (!active.matches(target)) continue;
      const probability = active.rule.probability;
      if (probability !== undefined && !(this.#random.next() < probability)) continue;
      active.hits++;
      if (active.remaining !== null && --active.remaining === 0) {
        this.#active = this.#active.filter((other) => other !== active);
      }
      return active.rule;
    }
    return undefined;
  }

  #listed(active: ActiveRule): ListedFaultRule {
    return { ...active.rule, remaining: active.remaining, hits: active.hits };
  }
}
