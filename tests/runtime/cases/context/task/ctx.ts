// Reports what the handler sees of its context and environment.
import type { Context } from "/opt/runtime/shim.ts";

export function handler(_event: unknown, context: Context) {
  return {
    ...context,
    remaining: context.getRemainingTimeInMillis(),
    trace: Deno.env.get("_X_AMZN_TRACE_ID") ?? null,
  };
}
