// Must NOT type-check: getRemainingTimeInMillis returns a number, and the
// context is read-only where Lambda's is.
import type { Handler } from "/opt/runtime/shim.ts";

export const handler: Handler = (_event, context) => {
  const left: string = context.getRemainingTimeInMillis();
  return left;
};
