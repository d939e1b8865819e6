// What the loop sends to the Runtime API: results, errors (with their X-Ray
// cause), init errors and streamed responses.

import { base64, decoder, encoder } from "./bytes.ts";
import { chunkFrame, type Connection, RuntimeClient } from "./client.ts";
import {
  describe,
  type ErrorBody,
  errorBody,
  faultBody,
  headerSafe,
  InitError,
  xrayCause,
} from "./errors.ts";
import { env, fatal, type Invocation, log, rt, watch } from "./invocation.ts";
import type { StreamSource } from "./result.ts";

// ---------------------------------------------------------------------------
// Posting results and errors. A transport failure or a 5xx ends the runtime,
// as the Runtime API asks; Lambda then starts a new one.

export async function post(
  client: RuntimeClient,
  path: string,
  body: Uint8Array,
  headers: string,
): Promise<void> {
  let res;
  try {
    res = await client.request("POST", path, headers, body);
  } catch (e) {
    fatal(`Runtime API unreachable at ${rt.api}: POST ${path}: ${describe(e)}`);
  }
  checkPosted(path, res.status, res.body);
}

function checkPosted(path: string, status: number, body: Uint8Array): void {
  const text = decoder.decode(body).trim();
  if (status >= 500) fatal(`Runtime API: POST ${path}: ${status} ${text}`);
  if (status === 202) return;
  if (status === 200) {
    // Some Runtime API implementations answer 200; it means the same.
    if (!rt.said200) {
      rt.said200 = true;
      log("DEBUG", `Runtime API: POST ${path}: 200 instead of 202 (said once)`);
    }
    return;
  }
  // 400 (stale id), 403 (no invocation in flight), 413 (too large): the
  // platform has already closed this invocation; carry on with the next.
  log("WARN", `Runtime API: POST ${path}: ${status} ${text}`);
}

export function postError(
  client: RuntimeClient,
  path: string,
  body: ErrorBody,
  cause?: string,
): Promise<void> {
  return post(
    client,
    path,
    encoder.encode(JSON.stringify(body)),
    "Content-Type: application/json\r\n" +
      `Lambda-Runtime-Function-Error-Type: ${headerSafe(body.errorType)}\r\n` +
      (cause ? `Lambda-Runtime-Function-XRay-Error-Cause: ${cause}\r\n` : ""),
  );
}

function workingDirectory(): string {
  try {
    return Deno.cwd();
  } catch {
    return env("LAMBDA_TASK_ROOT") ?? "/var/task";
  }
}

export function invocationError(
  client: RuntimeClient,
  id: string,
  body: ErrorBody,
): Promise<void> {
  log("ERROR", `Invoke Error \t${JSON.stringify(body)}`);
  return postError(
    client,
    `/invocation/${id}/error`,
    body,
    xrayCause(body, workingDirectory()),
  );
}

export async function reportInitError(e: unknown): Promise<never> {
  const body: ErrorBody = e instanceof InitError
    ? {
      errorType: e.errorType,
      errorMessage: e.message,
      stackTrace: e.source === undefined ? [] : errorBody(e.source).stackTrace,
    }
    : errorBody(e, "Runtime.Unknown");
  log("ERROR", `Init Error \t${JSON.stringify(body)}`);
  await postError(new RuntimeClient(rt.api), "/init/error", body);
  Deno.exit(1);
}

// ---------------------------------------------------------------------------
// Response streaming: POST .../response with Transfer-Encoding: chunked and
// Lambda-Runtime-Function-Response-Mode: streaming. An error before the first
// byte goes to /error; an error after it goes into the trailers, the only
// place left once a response has begun.

export async function stream(
  client: RuntimeClient,
  inv: Invocation,
  source: StreamSource,
): Promise<void> {
  const path = `/invocation/${inv.requestId}/response`;
  // Read the first chunk before starting the request, so that a stream that
  // fails at once is reported through /error like any other failure.
  let chunk: Uint8Array | undefined;
  try {
    chunk = await watch(inv, source.next);
  } catch (e) {
    source.cancel(e);
    await invocationError(client, inv.requestId, faultBody(e));
    return;
  }
  // Its own connection, closed when the response is complete, as the
  // Runtime API asks of streaming responses.
  let conn: Connection;
  try {
    conn = await client.openStream(path, source.type);
  } catch (e) {
    fatal(`Runtime API unreachable at ${rt.api}: POST ${path}: ${describe(e)}`);
  }
  let failure: ErrorBody | undefined;
  try {
    while (chunk !== undefined) {
      if (chunk.length > 0) await conn.write(chunkFrame(chunk));
      try {
        chunk = await watch(inv, source.next);
      } catch (e) {
        source.cancel(e);
        failure = faultBody(e);
        log("ERROR", `Invoke Error \t${JSON.stringify(failure)}`);
        break;
      }
    }
    const trailers = failure === undefined ? "" : (
      `Lambda-Runtime-Function-Error-Type: ${
        headerSafe(failure.errorType)
      }\r\n` +
      `Lambda-Runtime-Function-Error-Body: ${
        base64(encoder.encode(JSON.stringify(failure)))
      }\r\n`
    );
    await conn.write(encoder.encode(`0\r\n${trailers}\r\n`));
    const res = await conn.reply();
    checkPosted(path, res.status, res.body);
  } catch (e) {
    fatal(`Runtime API: POST ${path}: ${describe(e)}`);
  } finally {
    conn.close();
  }
}
