// The Lambda Runtime API client for Deno: /opt/runtime/shim.ts in the layer.
//
// bootstrap runs this file as Deno's main module. It loads the function's
// handler named by _HANDLER and then loops: GET the next invocation, call the
// handler, POST its result or error. The same code runs on Deno 1.46 and 2.x,
// so it uses only stable, public APIs: no Deno internals, and no std imports,
// which would be downloaded into an empty cache at every cold start.
//
// Handlers may import the types below:
//
//   import type { Context, Handler } from "/opt/runtime/shim.ts";
//
// `import type` is erased before the module graph is built, so importing the
// types never loads (or runs) this file. Even a value import would not start
// a second loop: the loop only runs when this file is the main module.
//
// User documentation: docs/runtime.md.

/** Data about the calling app, from the `Lambda-Runtime-Client-Context` header (AWS Mobile SDK). */
export interface ClientContext {
  client?: {
    installationId?: string;
    appTitle?: string;
    appVersionName?: string;
    appVersionCode?: string;
    appPackageName?: string;
  };
  custom?: Record<string, unknown>;
  env?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The Amazon Cognito identity, from the `Lambda-Runtime-Cognito-Identity` header. */
export interface CognitoIdentity {
  cognitoIdentityId: string;
  cognitoIdentityPoolId: string;
  [key: string]: unknown;
}

/** The second argument of a handler, shaped like Node's Lambda context. */
export interface Context {
  /** Has no effect: a result is sent as soon as the handler's promise settles. */
  callbackWaitsForEmptyEventLoop: boolean;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  /** A string, as in Node's context. */
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly identity?: CognitoIdentity;
  readonly clientContext?: ClientContext;
  /** Milliseconds left before Lambda stops this invocation (never negative). */
  getRemainingTimeInMillis(): number;
}

/**
 * What a streaming handler may return: a ReadableStream of strings or bytes,
 * a Response (sent in the function URL streaming format), a string or bytes,
 * or any other value (sent as JSON). See docs/runtime.md, "Response streaming".
 */
export type StreamingResult =
  | ReadableStream<Uint8Array | string>
  | Response
  | Uint8Array
  | string
  | unknown;

/**
 * A handler. Set `streaming = true` on the function to send every result with
 * response streaming; a returned `ReadableStream` is streamed in any case.
 */
export type Handler<TEvent = unknown, TResult = unknown> =
  & ((event: TEvent, context: Context) => TResult | Promise<TResult>)
  & { streaming?: boolean };

/** A handler marked for response streaming. */
export type StreamingHandler<TEvent = unknown> =
  & ((
    event: TEvent,
    context: Context,
  ) => StreamingResult | Promise<StreamingResult>)
  & { streaming: true };

// ---------------------------------------------------------------------------
// Everything below is the runtime itself; it runs only as the main module.

/** The body Lambda expects on /error and /init/error. */
interface ErrorBody {
  errorType: string;
  errorMessage: string;
  stackTrace: string[];
}

// Lambda's limit on a buffered response, as the Runtime API enforces it
// (6 MiB + 100 bytes); a larger result becomes Function.ResponseSizeTooLarge.
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

// Handler module extensions, in the order they are tried.
const EXTENSIONS = [".ts", ".js", ".mjs", ".mts", ".tsx", ".jsx"];

const LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] as const;
type Level = typeof LEVELS[number];

const encoder = new TextEncoder();

/** The request id of the invocation in progress, for log lines. */
let requestId: string | undefined;

/** Set while user code of an invocation runs; see watch(). */
let current: ((reason: Fault) => void) | undefined;

/** Why an invocation failed outside the handler's own promise. */
class Fault {
  constructor(
    readonly errorType: string | undefined,
    readonly reason: unknown,
  ) {}
}

class InitError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly source?: unknown,
  ) {
    super(message);
  }
}

function env(name: string): string | undefined {
  return Deno.env.get(name);
}

// ---------------------------------------------------------------------------
// Logging. Lambda turns every line of stdout into one CloudWatch event, so a
// multi-line message is written with its newlines as carriage returns (what
// AWS's Node runtime does): it stays one event and still reads as lines.

function inspect(value: unknown): string {
  return typeof value === "string" ? value : Deno.inspect(value, { depth: 6 });
}

/** console.log's argument formatting: printf-like %s %d %i %f %j %o %O %c %%. */
function format(args: unknown[]): string {
  const parts: string[] = [];
  let i = 0;
  if (typeof args[0] === "string") {
    let text = args[0];
    i = 1;
    if (args.length > 1 && text.includes("%")) {
      text = text.replace(/%[sdifjoOc%]/g, (spec) => {
        if (spec === "%%") return "%";
        if (i >= args.length) return spec;
        const arg = args[i++];
        switch (spec[1]) {
          case "s":
            return typeof arg === "string" ? arg : inspect(arg);
          case "d":
          case "i": {
            if (typeof arg === "bigint") return `${arg}n`;
            const n = Number(arg);
            return String(spec[1] === "i" ? Math.trunc(n) : n);
          }
          case "f":
            return String(Number(arg));
          case "j":
            try {
              return JSON.stringify(arg) ?? "undefined";
            } catch {
              return "[Circular]";
            }
          case "c":
            return "";
          default:
            return inspect(arg);
        }
      });
    }
    parts.push(text);
  }
  for (; i < args.length; i++) parts.push(inspect(args[i]));
  return parts.join(" ");
}

function writeStdout(text: string): void {
  let bytes = encoder.encode(text);
  try {
    while (bytes.length > 0) {
      bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
    }
  } catch {
    // A closed stdout must not turn a console.log into a handler error.
  }
}

function makeLogger(): (level: Level, args: unknown[]) => void {
  const json = (env("AWS_LAMBDA_LOG_FORMAT") ?? "").toUpperCase() === "JSON";
  // Lambda applies the log level only to JSON logs; unset or unknown logs all.
  const minimum = Math.max(
    0,
    LEVELS.indexOf((env("AWS_LAMBDA_LOG_LEVEL") ?? "").toUpperCase() as Level),
  );
  if (!json) {
    return (level, args) => {
      const message = format(args).replaceAll("\n", "\r");
      writeStdout(
        `${new Date().toISOString()}\t${requestId}\t${level}\t${message}\n`,
      );
    };
  }
  return (level, args) => {
    if (LEVELS.indexOf(level) < minimum) return;
    const record: Record<string, unknown> = {
      timestamp: new Date().toISOString(),
      level,
      requestId,
      message: format(args),
    };
    const error = args.find((a) => a instanceof Error);
    if (error !== undefined) Object.assign(record, errorBody(error));
    writeStdout(JSON.stringify(record) + "\n");
  };
}

let log: (level: Level, args: unknown[]) => void = () => {};

function installLogger(): void {
  log = makeLogger();
  const to = (level: Level) => (...args: unknown[]) => log(level, args);
  console.log = to("INFO");
  console.info = to("INFO");
  console.warn = to("WARN");
  console.error = to("ERROR");
  console.debug = to("DEBUG");
  console.trace = (...args: unknown[]) => {
    const stack = (new Error().stack ?? "").split("\n").slice(2).join("\n");
    log("TRACE", [`Trace: ${format(args)}\n${stack}`]);
  };
}

// ---------------------------------------------------------------------------
// Errors.

/** The name Lambda shows as errorType; a subclass that kept "Error" shows its class name. */
function errorName(error: Error): string {
  let name = typeof error.name === "string" && error.name !== ""
    ? error.name
    : "Error";
  const ctor = (error as { constructor?: { name?: unknown } }).constructor;
  if (
    name === "Error" && ctor !== Error && typeof ctor?.name === "string" &&
    ctor.name !== ""
  ) {
    name = ctor.name;
  }
  return name;
}

function isErrorLike(value: unknown): value is Error {
  if (value instanceof Error) return true;
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === "string" && typeof v.message === "string";
}

/**
 * Lambda's error shape for any thrown value. A value that is not an Error is
 * reported with its JavaScript type as errorType, as AWS's Node runtime does.
 * Never throws: user getters that throw are part of what it has to survive.
 */
function errorBody(value: unknown, errorType?: string): ErrorBody {
  try {
    if (isErrorLike(value)) {
      const name = errorName(value);
      const stack = typeof value.stack === "string"
        ? value.stack
        : `${name}: ${value.message}`;
      return {
        errorType: errorType ?? name,
        errorMessage: errorType === undefined
          ? String(value.message)
          : `${name}: ${value.message}`,
        stackTrace: stack.split("\n").filter((line) => line !== ""),
      };
    }
    const type = value === null ? "null" : typeof value;
    return {
      errorType: errorType ?? type,
      errorMessage: inspect(value),
      stackTrace: [],
    };
  } catch (e) {
    return {
      errorType: errorType ?? "Runtime.UnknownError",
      errorMessage: `the thrown value could not be described: ${String(e)}`,
      stackTrace: [],
    };
  }
}

/** A header value must be printable ASCII; the body keeps the exact name. */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return "_"; // a lone surrogate
    }
  });
}

// ---------------------------------------------------------------------------
// Runtime API transport: HTTP/1.1 over one kept-alive TCP connection. fetch()
// would work, but its first use costs some 7 ms of CPU at start-up (it builds
// a TLS-capable client), which Lambda bills and throttles on small functions;
// it obeys HTTP_PROXY even for 127.0.0.1; and it cannot send the trailers
// that response streaming needs. The Runtime API is a local HTTP/1.1 server:
// status line, headers, a Content-Length or chunked body is all it takes.

interface Reply {
  status: number;
  headers: Map<string, string>;
  body: Uint8Array;
}

let api = "";

const decoder = new TextDecoder();

class Connection {
  #conn: Deno.TcpConn;
  #buf = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;
  /** Bytes received since the last request was sent. */
  received = 0;

  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  static async open(): Promise<Connection> {
    const colon = api.lastIndexOf(":");
    const conn = await Deno.connect({
      hostname: api.slice(0, colon),
      port: Number(api.slice(colon + 1)),
    });
    // Requests are written whole; nothing is gained by Nagle's delay.
    conn.setNoDelay(true);
    return new Connection(conn);
  }

  async write(bytes: Uint8Array): Promise<void> {
    while (bytes.length > 0) {
      bytes = bytes.subarray(await this.#conn.write(bytes));
    }
  }

  close(): void {
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }

  async #fill(): Promise<void> {
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
    } else if (this.#end === this.#buf.length) {
      this.#buf.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
      if (this.#end === this.#buf.length) {
        throw new Error("Runtime API: header line too long");
      }
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#end));
    if (n === null) throw new Error("Runtime API closed the connection");
    this.#end += n;
    this.received += n;
  }

  async #line(): Promise<string> {
    for (;;) {
      const i = this.#buf.subarray(this.#start, this.#end).indexOf(10);
      if (i >= 0) {
        const line = decoder.decode(
          this.#buf.subarray(this.#start, this.#start + i),
        );
        this.#start += i + 1;
        return line.endsWith("\r") ? line.slice(0, -1) : line;
      }
      await this.#fill();
    }
  }

  async #bytes(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let got = Math.min(n, this.#end - this.#start);
    out.set(this.#buf.subarray(this.#start, this.#start + got));
    this.#start += got;
    while (got < n) {
      const r = await this.#conn.read(out.subarray(got));
      if (r === null) {
        throw new Error("Runtime API closed the connection mid-body");
      }
      got += r;
      this.received += r;
    }
    return out;
  }

  async reply(): Promise<Reply & { close: boolean }> {
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(await this.#line());
    if (!status) throw new Error("Runtime API: not an HTTP/1.1 reply");
    const headers = new Map<string, string>();
    for (
      let line = await this.#line();
      line !== "";
      line = await this.#line()
    ) {
      const colon = line.indexOf(":");
      if (colon > 0) {
        headers.set(
          line.slice(0, colon).trim().toLowerCase(),
          line.slice(colon + 1).trim(),
        );
      }
    }
    let body: Uint8Array;
    if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) {
      const parts: Uint8Array[] = [];
      let total = 0;
      for (
        let size = chunkSize(await this.#line());
        size > 0;
        size = chunkSize(await this.#line())
      ) {
        parts.push(await this.#bytes(size));
        total += size;
        await this.#line();
      }
      while ((await this.#line()) !== "") {
        // trailers: none that a runtime needs
      }
      body = new Uint8Array(total);
      let at = 0;
      for (const p of parts) body.set(p, (at += p.length) - p.length);
    } else {
      body = await this.#bytes(Number(headers.get("content-length") ?? 0));
    }
    return {
      status: Number(status[1]),
      headers,
      body,
      close: /close/i.test(headers.get("connection") ?? ""),
    };
  }
}

function chunkSize(line: string): number {
  const size = parseInt(line, 16);
  if (!(size >= 0)) {
    throw new Error(`Runtime API: bad chunk size line '${line}'`);
  }
  return size;
}

let connection: Connection | undefined;

/**
 * One request on the kept-alive connection. A connection that turns out to
 * be closed before any byte of the reply came back is replaced, once.
 */
async function request(
  method: string,
  path: string,
  headers = "",
  body?: Uint8Array,
): Promise<Reply> {
  const head = encoder.encode(
    `${method} /2018-06-01/runtime${path} HTTP/1.1\r\nHost: ${api}\r\n${headers}` +
      (body ? `Content-Length: ${body.length}\r\n\r\n` : "\r\n"),
  );
  for (let retry = true;; retry = false) {
    const fresh = connection === undefined;
    const conn = connection ??= await Connection.open();
    conn.received = 0;
    try {
      if (body && body.length <= 64 * 1024) {
        const both = new Uint8Array(head.length + body.length);
        both.set(head);
        both.set(body, head.length);
        await conn.write(both);
      } else {
        await conn.write(head);
        if (body) await conn.write(body);
      }
      const reply = await conn.reply();
      if (reply.close) {
        conn.close();
        connection = undefined;
      }
      return reply;
    } catch (e) {
      conn.close();
      connection = undefined;
      if (fresh || !retry || conn.received > 0) throw e;
    }
  }
}

function fatal(message: string): never {
  log("ERROR", [message]);
  Deno.exit(1);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** POST to the Runtime API; exits on a transport failure or a 5xx, as the API requires. */
async function post(
  path: string,
  body: Uint8Array,
  headers: string,
): Promise<number> {
  let res: Reply;
  try {
    res = await request("POST", path, headers, body);
  } catch (e) {
    fatal(`Runtime API unreachable at ${api}: POST ${path}: ${describe(e)}`);
  }
  const text = decoder.decode(res.body).trim();
  if (res.status >= 500) {
    fatal(`Runtime API: POST ${path}: ${res.status} ${text}`);
  }
  if (res.status !== 202) {
    // 400 (stale id), 403 (no invocation in flight), 413 (too large): the
    // platform has already closed this invocation; carry on with the next.
    log("WARN", [`Runtime API: POST ${path}: ${res.status} ${text}`]);
  }
  return res.status;
}

function postError(path: string, body: ErrorBody): Promise<number> {
  return post(
    path,
    encoder.encode(JSON.stringify(body)),
    `Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: ${
      headerSafe(body.errorType)
    }\r\n`,
  );
}

// ---------------------------------------------------------------------------
// Loading the handler.

function toFileUrl(path: string): string {
  return "file://" + path.split("/").map(encodeURIComponent).join("/");
}

function findModule(root: string, module: string): string | undefined {
  for (const ext of EXTENSIONS) {
    const path = `${root}/${module}${ext}`;
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return undefined;
}

async function loadHandler(): Promise<Handler> {
  const spec = env("_HANDLER") ?? "";
  const dot = spec.lastIndexOf(".");
  const module = spec.slice(0, dot);
  const name = spec.slice(dot + 1);
  // The export is what follows the last dot; the module path may hold dots.
  if (dot <= 0 || name === "" || module.endsWith("/")) {
    throw new InitError(
      "Runtime.MalformedHandlerName",
      `Bad handler '${spec}': expected <module path>.<export name>, for example mod.handler`,
    );
  }
  const root = (env("LAMBDA_TASK_ROOT") ?? Deno.cwd()).replace(/\/+$/, "");
  let path: string | undefined;
  try {
    path = findModule(root, module);
  } catch (e) {
    throw new InitError(
      "Runtime.ImportModuleError",
      `Cannot look for module '${module}' in ${root}: ${describe(e)}`,
      e,
    );
  }
  if (path === undefined) {
    throw new InitError(
      "Runtime.ImportModuleError",
      `Cannot find module '${module}' in ${root} (tried ${
        EXTENSIONS.map((x) => module + x).join(", ")
      })`,
    );
  }
  let exports: Record<string, unknown>;
  try {
    exports = await import(toFileUrl(path));
  } catch (e) {
    const body = errorBody(e);
    throw new InitError(
      "Runtime.ImportModuleError",
      `${body.errorType}: ${body.errorMessage}`,
      e,
    );
  }
  const handler = exports[name];
  if (handler === undefined) {
    throw new InitError(
      "Runtime.HandlerNotFound",
      `${spec} is undefined or not exported`,
    );
  }
  if (typeof handler !== "function") {
    throw new InitError(
      "Runtime.HandlerNotFound",
      `${spec} is not a function (it is ${typeof handler})`,
    );
  }
  return handler as Handler;
}

async function reportInitError(e: unknown): Promise<never> {
  const body: ErrorBody = e instanceof InitError
    ? {
      errorType: e.errorType,
      errorMessage: e.message,
      stackTrace: e.source === undefined ? [] : errorBody(e.source).stackTrace,
    }
    : errorBody(e, "Runtime.Unknown");
  log("ERROR", [`Init Error \t${JSON.stringify(body)}`]);
  await postError("/init/error", body);
  Deno.exit(1);
}

// ---------------------------------------------------------------------------
// Unhandled rejections and uncaught exceptions. Deno's default is to exit;
// a Lambda runtime must not. While an invocation's user code runs they fail
// that invocation; at any other time (a forgotten promise, a timer firing
// after the handler returned) they are logged and the loop carries on.

function installGlobalHandlers(): void {
  globalThis.addEventListener(
    "unhandledrejection",
    (e: PromiseRejectionEvent) => {
      e.preventDefault();
      if (current) {
        current(
          new Fault("Runtime.UnhandledPromiseRejection", e.reason),
        );
      } else {log("ERROR", [
          "Unhandled promise rejection outside an invocation:",
          e.reason,
        ]);}
    },
  );
  globalThis.addEventListener("error", (e: ErrorEvent) => {
    e.preventDefault();
    if (current) current(new Fault(undefined, e.error));
    else log("ERROR", ["Uncaught exception outside an invocation:", e.error]);
  });
}

/**
 * Runs `work` (user code) so that a stray rejection or exception while it is
 * pending rejects the returned promise with a Fault.
 */
async function watch<T>(work: () => T | Promise<T>): Promise<T> {
  let fail!: (f: Fault) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  current = fail;
  try {
    return await Promise.race([Promise.resolve().then(work), failed]);
  } finally {
    if (current === fail) current = undefined;
  }
}

function faultBody(e: unknown): ErrorBody {
  return e instanceof Fault ? errorBody(e.reason, e.errorType) : errorBody(e);
}

// ---------------------------------------------------------------------------
// Results.

function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === "number" && typeof v.arrayBuffer === "function" &&
    typeof (v.headers as Headers | undefined)?.forEach === "function";
}

function isTextual(
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

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function splitHeaders(
  headers: Headers,
): { headers: Record<string, string>; cookies: string[] } {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    if (key !== "set-cookie") out[key] = value;
  });
  return { headers: out, cookies: headers.getSetCookie() };
}

/** A fetch Response as the result API Gateway and function URLs understand. */
async function responseToProxy(
  res: Response,
): Promise<Record<string, unknown>> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const { headers, cookies } = splitHeaders(res.headers);
  const text = isTextual(res.headers.get("content-type"), bytes);
  return {
    statusCode: res.status,
    headers,
    cookies,
    body: text ?? base64(bytes),
    isBase64Encoded: text === undefined,
  };
}

/** The bytes of a buffered result, or the error to send instead. */
function marshal(result: unknown): Uint8Array | ErrorBody {
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
// Response streaming: POST .../response with Transfer-Encoding: chunked and
// Lambda-Runtime-Function-Response-Mode: streaming. An error before the first
// byte goes to /error; an error after it goes into the trailers, the only
// place left once a response has begun.

type Chunks = () => Promise<Uint8Array | undefined>;

function toBytes(chunk: unknown): Uint8Array {
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

/** What a streaming invocation sends: content type, optional prelude bytes, and the body. */
function streamSource(
  result: unknown,
): { type: string; next: Chunks; cancel: (e: unknown) => void } {
  const noop = () => {};
  const once = (bytes: Uint8Array) => {
    let done = false;
    return () => Promise.resolve(done ? undefined : ((done = true), bytes));
  };
  if (result instanceof ReadableStream) {
    return { type: "application/octet-stream", ...fromStream(result) };
  }
  if (isResponse(result)) {
    // A function URL's streaming format: JSON status and headers, eight NUL
    // bytes, then the body.
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
      next: () => (sentHead
        ? body.next()
        : ((sentHead = true), Promise.resolve(head))),
      cancel: body.cancel,
    };
  }
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

function chunkFrame(bytes: Uint8Array): Uint8Array {
  const head = encoder.encode(bytes.length.toString(16) + "\r\n");
  const frame = new Uint8Array(head.length + bytes.length + 2);
  frame.set(head);
  frame.set(bytes, head.length);
  frame.set([13, 10], head.length + bytes.length);
  return frame;
}

async function postStream(
  id: string,
  source: { type: string; next: Chunks; cancel: (e: unknown) => void },
) {
  const path = `/invocation/${id}/response`;
  // Read the first chunk before starting the request, so that a stream that
  // fails at once is reported through /error like any other failure.
  let chunk: Uint8Array | undefined;
  try {
    chunk = await watch(source.next);
  } catch (e) {
    source.cancel(e);
    await postError(`/invocation/${id}/error`, faultBody(e));
    return;
  }
  // Its own connection, closed when the response is complete, as the
  // Runtime API asks of streaming responses.
  let conn: Connection;
  try {
    conn = await Connection.open();
  } catch (e) {
    fatal(`Runtime API unreachable at ${api}: POST ${path}: ${describe(e)}`);
  }
  let failure: ErrorBody | undefined;
  try {
    await conn.write(encoder.encode(
      `POST /2018-06-01/runtime${path} HTTP/1.1\r\n` +
        `Host: ${api}\r\n` +
        `Content-Type: ${source.type}\r\n` +
        "Lambda-Runtime-Function-Response-Mode: streaming\r\n" +
        "Transfer-Encoding: chunked\r\n" +
        "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n" +
        "Connection: close\r\n\r\n",
    ));
    while (chunk !== undefined) {
      if (chunk.length > 0) await conn.write(chunkFrame(chunk));
      try {
        chunk = await watch(source.next);
      } catch (e) {
        source.cancel(e);
        failure = faultBody(e);
        log("ERROR", [`Invoke Error \t${JSON.stringify(failure)}`]);
        break;
      }
    }
    const trailers = failure === undefined
      ? ""
      : `Lambda-Runtime-Function-Error-Type: ${
        headerSafe(failure.errorType)
      }\r\n` +
        `Lambda-Runtime-Function-Error-Body: ${
          base64(encoder.encode(JSON.stringify(failure)))
        }\r\n`;
    await conn.write(encoder.encode(`0\r\n${trailers}\r\n`));
    const res = await conn.reply();
    const text = decoder.decode(res.body).trim();
    if (res.status >= 500) {
      fatal(`Runtime API: POST ${path}: ${res.status} ${text}`);
    }
    if (res.status !== 202) {
      log("WARN", [`Runtime API: POST ${path}: ${res.status} ${text}`]);
    }
  } catch (e) {
    fatal(`Runtime API: POST ${path}: ${describe(e)}`);
  } finally {
    conn.close();
  }
}

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

function makeContext(headers: Map<string, string>, id: string): Context {
  const deadline = Number(headers.get("lambda-runtime-deadline-ms") ?? NaN);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env("AWS_LAMBDA_FUNCTION_NAME") ?? "",
    functionVersion: env("AWS_LAMBDA_FUNCTION_VERSION") ?? "",
    invokedFunctionArn: headers.get("lambda-runtime-invoked-function-arn") ??
      "",
    memoryLimitInMB: env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") ?? "",
    awsRequestId: id,
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
}

async function invokeOnce(handler: Handler): Promise<void> {
  let res: Reply;
  try {
    res = await request("GET", "/invocation/next");
  } catch (e) {
    fatal(
      `Runtime API unreachable at ${api}: GET /invocation/next: ${describe(e)}`,
    );
  }
  const text = decoder.decode(res.body);
  if (res.status !== 200) {
    fatal(`Runtime API: GET /invocation/next: ${res.status} ${text.trim()}`);
  }
  const id = res.headers.get("lambda-runtime-aws-request-id");
  if (!id) {
    fatal(
      "Runtime API: GET /invocation/next: no Lambda-Runtime-Aws-Request-Id header",
    );
  }

  const trace = res.headers.get("lambda-runtime-trace-id");
  if (trace) Deno.env.set("_X_AMZN_TRACE_ID", trace);
  else Deno.env.delete("_X_AMZN_TRACE_ID");
  requestId = id;
  try {
    const out = await run(handler, text, makeContext(res.headers, id), id);
    if (out instanceof Uint8Array) {
      await post(
        `/invocation/${id}/response`,
        out,
        "Content-Type: application/json\r\n",
      );
    } else if (out !== undefined) {
      log("ERROR", [`Invoke Error \t${JSON.stringify(out)}`]);
      await postError(`/invocation/${id}/error`, out);
    }
  } finally {
    requestId = undefined;
  }
}

/** The invocation's outcome: a buffered result, an error, or undefined once streamed. */
async function run(
  handler: Handler,
  text: string,
  context: Context,
  id: string,
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
  try {
    const result = await watch(() => handler(event, context));
    if (handler.streaming === true || result instanceof ReadableStream) {
      await postStream(id, await watch(() => streamSource(result)));
      return undefined;
    }
    return marshal(
      isResponse(result) ? await watch(() => responseToProxy(result)) : result,
    );
  } catch (e) {
    return faultBody(e);
  }
}

async function main(): Promise<void> {
  installLogger();
  installGlobalHandlers();
  api = env("AWS_LAMBDA_RUNTIME_API") ?? "";
  if (api === "") {
    fatal(
      "AWS_LAMBDA_RUNTIME_API is not set: run bootstrap under Lambda or a Runtime API emulator",
    );
  }
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (e) {
    return reportInitError(e);
  }
  for (;;) await invokeOnce(handler);
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
