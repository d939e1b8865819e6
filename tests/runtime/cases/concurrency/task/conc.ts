// Invocations that overlap: each logs before and after its awaits, and
// reports what it sees of its own context.
import type { Context } from "/opt/runtime/shim.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function handler(
  event: { n: number; ms?: number; fail?: boolean; stray?: boolean },
  context: Context,
) {
  console.log(`start tag=${event.n}`);
  if (event.stray) Promise.reject(new RangeError(`stray ${event.n}`));
  await sleep(event.ms ?? 300);
  console.info("after await tag=%d", event.n);
  await Promise.resolve();
  if (event.fail) throw new TypeError(`invocation ${event.n} fails`);
  await sleep(10);
  console.error(new Error(`error object tag=${event.n}`));
  return {
    n: event.n,
    id: context.awsRequestId,
    trace: context.xRayTraceId ?? null,
    env: Deno.env.get("_X_AMZN_TRACE_ID") ?? null,
    remaining: context.getRemainingTimeInMillis(),
  };
}
