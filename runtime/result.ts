// What a handler's result is sent as: buffered JSON (a fetch Response turned
// into the proxy shape API Gateway and function URLs expect), or a stream.

import { base64, encoder } from "./bytes.ts";
import { describe, type ErrorBody, errorBody } from "./errors.ts";

// Lambda's limit on a buffered response, as the Runtime API enforces it
// (6 MiB + 100 bytes); a larger result becomes Function.ResponseSizeTooLarge.
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

export function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === "number" && typeof v.arrayBuffer === "function" &&
    typeof (v.headers as Headers | undefined)?.forEach === "function";
}

/** The body as text when its type is textual and it is valid UTF-8. */
export function asText(
  contentType: string | null,
  bytes: Uint8Array,
): string | undefined {
  const type = (contentType ?? "").toLowerCase();
  const textual = type === "" || type.startsWith("text/") ||
    /[/+](json|xml|javascript|x-www-form-urlencoded)\b/.test(type);
  if (!textual) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export function splitHeaders(
  headers: Headers,
): { headers: Record<string, string>; cookies: string[] } {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    if (key !== "set-cookie") out[key] = value;
  });
  return { headers: out, cookies: headers.getSetCookie() };
}

/** A fetch Response as the result API Gateway and function URLs understand. */
export async function responseToProxy(
  res: Response,
): Promise<Record<string, unknown>> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const { headers, cookies } = splitHeaders(res.headers);
  const text = asText(res.headers.get("content-type"), bytes);
  return {
    statusCode: res.status,
    headers,
    cookies,
    body: text ?? base64(bytes),
    isBase64Encoded: text === undefined,
  };
}

/** The bytes of a buffered result, or the error to send instead. */
export function marshal(result: unknown): Uint8Array | ErrorBody {
  let json: string | undefined;
  try {
    json = JSON.stringify(result);
  } catch (e) {
    return {
      errorType: "Runtime.MarshalError",
      errorMessage: `Unable to stringify the handler's result: ${describe(e)}`,
      stackTrace: errorBody(e).stackTrace,
    };
  }
  const bytes = encoder.encode(json ?? "null");
  if (bytes.length > MAX_RESPONSE_BYTES) {
    // Worded as Lambda words it, and never sent: the platform would cut it.
    return {
      errorType: "Function.ResponseSizeTooLarge",
      errorMessage:
        `Response payload size (${bytes.length} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      stackTrace: [],
    };
  }
  return bytes;
}

// ---------------------------------------------------------------------------
// Response streaming: what a streaming invocation sends, as a content type
// and a source of chunks (the loop posts it; see stream() in shim.ts).

export type Chunks = () => Promise<Uint8Array | undefined>;
export interface StreamSource {
  type: string;
  next: Chunks;
  cancel: (e: unknown) => void;
}

export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return encoder.encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) {
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  throw new TypeError(
    `a response stream chunk must be a string or a Uint8Array, not ${
      chunk === null ? "null" : typeof chunk
    }`,
  );
}

function fromStream(
  stream: ReadableStream<unknown>,
): { next: Chunks; cancel: (e: unknown) => void } {
  const reader = stream.getReader();
  return {
    next: async () => {
      const r = await reader.read();
      return r.done ? undefined : toBytes(r.value);
    },
    cancel: (e) => void reader.cancel(e).catch(() => {}),
  };
}

const noop = () => {};

function once(bytes: Uint8Array): Chunks {
  let done = false;
  return () => Promise.resolve(done ? undefined : ((done = true), bytes));
}

/** A function URL's streaming format: JSON status and headers, eight NUL bytes, then the body. */
function responseSource(result: Response): StreamSource {
  const { headers, cookies } = splitHeaders(result.headers);
  const prelude = encoder.encode(
    JSON.stringify({ statusCode: result.status, headers, cookies }),
  );
  const head = new Uint8Array(prelude.length + 8);
  head.set(prelude);
  const body = result.body
    ? fromStream(result.body)
    : { next: () => Promise.resolve(undefined), cancel: noop };
  let sentHead = false;
  return {
    type: "application/vnd.awslambda.http-integration-response",
    next:
      () => (sentHead
        ? body.next()
        : ((sentHead = true), Promise.resolve(head))),
    cancel: body.cancel,
  };
}

/** What a streaming invocation sends for `result`. Throws a marshal error. */
export function streamSource(result: unknown): StreamSource {
  if (result instanceof ReadableStream) {
    return { type: "application/octet-stream", ...fromStream(result) };
  }
  if (isResponse(result)) return responseSource(result);
  if (typeof result === "string" || result instanceof Uint8Array) {
    return {
      type: "application/octet-stream",
      next: once(toBytes(result)),
      cancel: noop,
    };
  }
  const bytes = marshal(result);
  // Nothing has been sent yet: a marshal error goes to /error like a throw.
  if (!(bytes instanceof Uint8Array)) {
    throw Object.assign(new Error(bytes.errorMessage), {
      name: bytes.errorType,
    });
  }
  return { type: "application/json", next: once(bytes), cancel: noop };
}
