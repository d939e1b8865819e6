// The invocation loop: the main module of the Lambda Runtime API client for
// Deno. In the layer, runtime/bundle.sh joins it and the modules it imports
// into one file, /opt/runtime/shim.ts (one module loads faster at a cold
// start than ten); handlers import their types from that file.
//
// It loads the function's handler named by _HANDLER and then loops: GET the
// next invocation, call the handler, POST its result or error. With
// AWS_LAMBDA_MAX_CONCURRENCY above 1 (Lambda Managed Instances) it runs that
// many loops at once in this one isolate, each invocation with its own
// context. The same code runs on Deno 1.46 and 2.x, so it uses only stable,
// public APIs: no Deno internals, and no std imports, which would be
// downloaded into an empty cache at every cold start.
//
// The modules: client.ts (the Runtime API over HTTP/1.1, injectable
// transport), log.ts (console), errors.ts (error bodies, X-Ray causes),
// handler.ts (_HANDLER), result.ts (marshalling, streaming sources),
// invocation.ts (the loops' shared state, stray errors), post.ts (what is
// sent back), bytes.ts, types.ts (the handler types, re-exported here).
// User documentation: docs/runtime.md.

import { decoder } from "./bytes.ts";
import { RuntimeClient } from "./client.ts";
import { describe, type ErrorBody, errorBody, faultBody } from "./errors.ts";
import { loadHandler } from "./handler.ts";
import {
  concurrency,
  env,
  fatal,
  installGlobalHandlers,
  type Invocation,
  log,
  rt,
  trackInvocations,
  watch,
} from "./invocation.ts";
import { installConsole, makeLogger, writeStdout } from "./log.ts";
import { invocationError, post, reportInitError, stream } from "./post.ts";
import {
  isResponse,
  marshal,
  responseToProxy,
  streamSource,
} from "./result.ts";
import type { ClientContext, CognitoIdentity, Context } from "./types.ts";

export type {
  ClientContext,
  CognitoIdentity,
  Context,
  Handler,
  StreamingHandler,
  StreamingResult,
} from "./types.ts";

// ---------------------------------------------------------------------------
// The loop.

function parseHeaderJson(
  value: string | undefined,
): Record<string, unknown> | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function makeContext(headers: Map<string, string>, inv: Invocation): Context {
  const deadline = Number(headers.get("lambda-runtime-deadline-ms") ?? NaN);
  const context: Context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env("AWS_LAMBDA_FUNCTION_NAME") ?? "",
    functionVersion: env("AWS_LAMBDA_FUNCTION_VERSION") ?? "",
    invokedFunctionArn: headers.get("lambda-runtime-invoked-function-arn") ??
      "",
    memoryLimitInMB: env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") ?? "",
    awsRequestId: inv.requestId,
    logGroupName: env("AWS_LAMBDA_LOG_GROUP_NAME") ?? "",
    logStreamName: env("AWS_LAMBDA_LOG_STREAM_NAME") ?? "",
    identity: parseHeaderJson(headers.get("lambda-runtime-cognito-identity")) as
      | CognitoIdentity
      | undefined,
    clientContext: parseHeaderJson(
      headers.get("lambda-runtime-client-context"),
    ) as ClientContext | undefined,
    getRemainingTimeInMillis:
      () => (Number.isFinite(deadline)
        ? Math.max(0, deadline - Date.now())
        : Infinity),
  };
  // Absent, not undefined, without their headers (tenantId as in Node).
  if (inv.tenantId !== undefined) {
    Object.assign(context, { tenantId: inv.tenantId });
  }
  if (inv.traceId !== undefined) {
    Object.assign(context, { xRayTraceId: inv.traceId });
  }
  return context;
}

/** The invocation's outcome: a buffered result, an error, or undefined once streamed. */
async function run(
  client: RuntimeClient,
  inv: Invocation,
  text: string,
  context: Context,
): Promise<Uint8Array | ErrorBody | undefined> {
  let event: unknown = null;
  if (text !== "") {
    try {
      event = JSON.parse(text);
    } catch (e) {
      return {
        errorType: "Runtime.UnmarshalError",
        errorMessage: `Unable to parse the event as JSON: ${describe(e)}`,
        stackTrace: [],
      };
    }
  }
  const handler = rt.handler;
  try {
    const result = await watch(inv, () => handler(event, context));
    if (handler.streaming === true || result instanceof ReadableStream) {
      await stream(client, inv, await watch(inv, () => streamSource(result)));
      return undefined;
    }
    return marshal(
      isResponse(result)
        ? await watch(inv, () => responseToProxy(result))
        : result,
    );
  } catch (e) {
    return faultBody(e);
  }
}

async function serve(
  client: RuntimeClient,
  inv: Invocation,
  res: { headers: Map<string, string>; body: Uint8Array },
): Promise<void> {
  const text = decoder.decode(res.body);
  const out = await run(client, inv, text, makeContext(res.headers, inv));
  if (out instanceof Uint8Array) {
    await post(
      client,
      `/invocation/${inv.requestId}/response`,
      out,
      "Content-Type: application/json\r\n",
    );
  } else if (out !== undefined) {
    await invocationError(client, inv.requestId, out);
  }
}

async function invokeOnce(client: RuntimeClient): Promise<void> {
  let res;
  try {
    res = await client.next();
  } catch (e) {
    fatal(
      `Runtime API unreachable at ${rt.api}: GET /invocation/next: ${
        describe(e)
      }`,
    );
  }
  if (res.status !== 200) {
    fatal(
      `Runtime API: GET /invocation/next: ${res.status} ${
        decoder.decode(res.body).trim()
      }`,
    );
  }
  const id = res.headers.get("lambda-runtime-aws-request-id");
  if (!id) {
    fatal(
      "Runtime API: GET /invocation/next: no Lambda-Runtime-Aws-Request-Id header",
    );
  }
  const inv: Invocation = {
    requestId: id,
    tenantId: res.headers.get("lambda-runtime-aws-tenant-id") || undefined,
    traceId: res.headers.get("lambda-runtime-trace-id") || undefined,
  };
  if (rt.concurrency > 1) return rt.enter(inv, () => serve(client, inv, res));
  // One at a time: the process-wide variable is this invocation's.
  if (inv.traceId) Deno.env.set("_X_AMZN_TRACE_ID", inv.traceId);
  else Deno.env.delete("_X_AMZN_TRACE_ID");
  rt.single = inv;
  try {
    await serve(client, inv, res);
  } finally {
    rt.single = undefined;
  }
}

async function loop(): Promise<never> {
  const client = new RuntimeClient(rt.api);
  for (;;) await invokeOnce(client);
}

async function main(): Promise<void> {
  rt.log = makeLogger({
    format: env("AWS_LAMBDA_LOG_FORMAT"),
    level: env("AWS_LAMBDA_LOG_LEVEL"),
    who: () => rt.current(),
    write: writeStdout,
  });
  installConsole(rt.log);
  installGlobalHandlers();
  rt.api = env("AWS_LAMBDA_RUNTIME_API") ?? "";
  if (rt.api === "") {
    fatal(
      "AWS_LAMBDA_RUNTIME_API is not set: run bootstrap under Lambda or a Runtime API emulator",
    );
  }
  const setting = env("AWS_LAMBDA_MAX_CONCURRENCY");
  const n = concurrency(setting);
  if (n === undefined) {
    log(
      "WARN",
      `AWS_LAMBDA_MAX_CONCURRENCY=${setting} is not a number from 1 to 9999: serving one invocation at a time`,
    );
  }
  rt.concurrency = n ?? 1;
  try {
    if (rt.concurrency > 1) await trackInvocations();
    rt.handler = await loadHandler(
      env("_HANDLER") ?? "",
      env("LAMBDA_TASK_ROOT") ?? Deno.cwd(),
    );
  } catch (e) {
    return reportInitError(e);
  }
  await Promise.all(Array.from({ length: rt.concurrency }, loop));
}

// No top-level await: a handler that imports this file (for values, not just
// types) must find it fully evaluated, or the two would wait on each other.
if (import.meta.main) {
  main().catch((e) =>
    fatal(
      `runtime failure: ${errorBody(e).stackTrace.join("\n") || describe(e)}`,
    )
  );
}
