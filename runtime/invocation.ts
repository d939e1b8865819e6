// The state the invocation loops share: which invocation is running (for
// log lines and stray errors), the logger, and how the runtime gives up.
// With one loop that is a plain variable; with several (Lambda Managed
// Instances), AsyncLocalStorage carries each invocation across its awaits.

import { Fault } from "./errors.ts";
import type { Level, Log, Tags } from "./log.ts";
import type { Handler } from "./types.ts";

/** One invocation in progress. */
export interface Invocation extends Tags {
  traceId?: string;
  /** Set while its user code runs: fails it from outside (see watch()). */
  fail?: (f: Fault) => void;
}

export function env(name: string): string | undefined {
  return Deno.env.get(name);
}

/** The loops' shared state. */
export const rt = {
  api: "",
  concurrency: 1,
  log: ((_level: Level, _args: unknown[]) => {}) as Log,
  /** The invocation whose code is running, as far as it can be known. */
  current: (): Invocation | undefined => rt.single,
  /** Runs f as invocation inv (for current()). */
  enter: <T>(_inv: Invocation, f: () => T): T => f(),
  /** Invocations whose user code is running. */
  watched: new Set<Invocation>(),
  said200: false,
  handler: undefined as unknown as Handler,
  /** With one loop: the invocation in progress. */
  single: undefined as Invocation | undefined,
};

export function log(level: Level, ...args: unknown[]): void {
  rt.log(level, args);
}

export function fatal(message: string): never {
  log("ERROR", message);
  Deno.exit(1);
}

// ---------------------------------------------------------------------------
// Unhandled rejections and uncaught exceptions. Deno's default is to exit;
// a Lambda runtime must not. While an invocation's user code runs they fail
// that invocation; at any other time (a forgotten promise, a timer firing
// after the handler returned) they are logged and the loop carries on. With
// several invocations running, one is charged only when it is known to be
// its own: one invocation's failure never fails another.

function strayOwner(): Invocation | undefined {
  const inv = rt.current();
  if (inv?.fail) return inv;
  if (rt.watched.size === 1) return rt.watched.values().next().value;
  return undefined;
}

export function installGlobalHandlers(): void {
  globalThis.addEventListener(
    "unhandledrejection",
    (e: PromiseRejectionEvent) => {
      e.preventDefault();
      const owner = strayOwner();
      if (owner?.fail) {
        owner.fail(new Fault("Runtime.UnhandledPromiseRejection", e.reason));
      } else {
        log(
          "ERROR",
          "Unhandled promise rejection outside an invocation:",
          e.reason,
        );
      }
    },
  );
  globalThis.addEventListener("error", (e: ErrorEvent) => {
    e.preventDefault();
    const owner = strayOwner();
    if (owner?.fail) owner.fail(new Fault(undefined, e.error));
    else log("ERROR", "Uncaught exception outside an invocation:", e.error);
  });
}

/**
 * Runs `work` (user code of inv) so that a stray rejection or exception
 * while it is pending rejects the returned promise with a Fault.
 */
export async function watch<T>(
  inv: Invocation,
  work: () => T | Promise<T>,
): Promise<T> {
  let fail!: (f: Fault) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  inv.fail = fail;
  rt.watched.add(inv);
  try {
    return await Promise.race([Promise.resolve().then(work), failed]);
  } finally {
    if (inv.fail === fail) {
      inv.fail = undefined;
      rt.watched.delete(inv);
    }
  }
}

/** AWS_LAMBDA_MAX_CONCURRENCY: how many invocations at once; 1 when unset. */
export function concurrency(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return 1;
  return /^[1-9][0-9]{0,3}$/.test(value) ? Number(value) : undefined;
}

/** What is used of node:async_hooks' AsyncLocalStorage. */
interface Storage<T> {
  getStore(): T | undefined;
  run<R>(store: T, f: () => R): R;
}

/**
 * Invocations told apart through AsyncLocalStorage, when they overlap. The
 * specifier is not a literal, so that `deno check` of a handler importing
 * the types never pulls in Node's types (Deno 1.46 would download them).
 */
export async function trackInvocations(): Promise<void> {
  const hooks = "node:async_hooks";
  const { AsyncLocalStorage } = await import(hooks);
  const als: Storage<Invocation> = new AsyncLocalStorage();
  rt.current = () => als.getStore();
  rt.enter = (inv, f) => als.run(inv, f);
}
