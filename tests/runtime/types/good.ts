// Type-checks against the layer's runtime/shim.ts (mapped from
// /opt/runtime/shim.ts by the test's import map).
import type { Context, Handler, StreamingHandler } from "/opt/runtime/shim.ts";

interface Event {
  name: string;
}

export const handler: Handler<Event, { greeting: string; left: number }> = (event, context: Context) => {
  const id: string = context.awsRequestId;
  const memory: string = context.memoryLimitInMB;
  context.callbackWaitsForEmptyEventLoop = false;
  return { greeting: `${id} ${memory} ${event.name} ${context.identity?.cognitoIdentityId ?? ""}`, left: context.getRemainingTimeInMillis() };
};

export async function asyncHandler(event: Event, context: Context): Promise<string> {
  await Promise.resolve();
  return `${event.name} ${context.clientContext?.client?.appTitle ?? ""}`;
}
export const typedAsync: Handler<Event, string> = asyncHandler;

export const streamed: StreamingHandler = () => new ReadableStream<string>({ start: (c) => c.close() });
streamed.streaming = true;
