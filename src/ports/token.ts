/**
 * A dependency-injection token that carries the type of what it resolves to, so
 * `container.resolve(CLOCK)` is a `Clock` and `registerInstance(CLOCK, value)` checks `value`,
 * without a cast at either end.
 *
 * At run time a token is a plain symbol (tsyringe's "normal" token). Its static type also carries
 * an abstract construct signature, which is only there for inference: tsyringe's signatures take an
 * `InjectionToken<T>`, a union one of whose members is a constructor of `T`, and that is the one
 * place TypeScript can read `T` back from. Being abstract, it can never be `new`-ed, nor passed
 * where tsyringe wants a concrete class (`registerSingleton(TOKEN)` does not compile).
 */
export type Token<T> = symbol & (abstract new (...args: never) => T);

export function token<T>(description: string): Token<T> {
  return Symbol(description) as unknown as Token<T>;
}
