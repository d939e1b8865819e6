// Errors as Lambda wants them: the body of /error and /init/error, the
// Lambda-Runtime-Function-Error-Type header, and the X-Ray cause header.
// Pure functions; nothing here does I/O.

/** The body Lambda expects on /error and /init/error. */
export interface ErrorBody {
  errorType: string;
  errorMessage: string;
  stackTrace: string[];
}

/** Why an invocation failed outside the handler's own promise. */
export class Fault {
  constructor(
    readonly errorType: string | undefined,
    readonly reason: unknown,
  ) {}
}

/** A failure to load the handler, posted to /init/error. */
export class InitError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly source?: unknown,
  ) {
    super(message);
  }
}

export function inspect(value: unknown): string {
  return typeof value === "string" ? value : Deno.inspect(value, { depth: 6 });
}

export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The name Lambda shows as errorType; a subclass that kept "Error" shows its class name. */
export function errorName(error: Error): string {
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

export function isErrorLike(value: unknown): value is Error {
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
export function errorBody(value: unknown, errorType?: string): ErrorBody {
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

export function faultBody(e: unknown): ErrorBody {
  return e instanceof Fault ? errorBody(e.reason, e.errorType) : errorBody(e);
}

/** A header value must be printable ASCII; the body keeps the exact name. */
export function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return "_"; // a lone surrogate
    }
  });
}

// AWS's Java and Ruby clients send no X-Ray cause of 1 MiB or more.
export const XRAY_CAUSE_MAX = 1024 * 1024;

interface XRayFrame {
  path: string;
  line: number;
  label: string;
}

/** One V8 stack line ("    at f (file:///var/task/mod.ts:3:9)") as X-Ray wants it. */
export function xrayFrame(line: string): XRayFrame | undefined {
  const m = /^\s*at (?:(.*?) \((.*)\)|(.*))$/.exec(line);
  if (!m) return undefined;
  const label = m[1] ?? "anonymous";
  let where = m[2] ?? m[3];
  const pos = /^(.*?):(\d+)(?::\d+)?$/.exec(where);
  let lineNo = 0;
  if (pos) {
    where = pos[1];
    lineNo = Number(pos[2]);
  }
  if (where.startsWith("file://")) {
    try {
      where = decodeURIComponent(where.slice(7));
    } catch {
      where = where.slice(7);
    }
  }
  return { path: where, line: lineNo, label };
}

/**
 * The Lambda-Runtime-Function-XRay-Error-Cause header for an error body:
 * JSON {working_directory, exceptions: [{type, message, stack}], paths}, or
 * undefined when it would reach XRAY_CAUSE_MAX bytes (AWS's clients drop it
 * then). Header values are ASCII: JSON.stringify output is made ASCII with
 * \u escapes, which any JSON reader undoes.
 */
export function xrayCause(
  body: ErrorBody,
  cwd: string,
): string | undefined {
  const stack = body.stackTrace.map(xrayFrame).filter((f) =>
    f !== undefined
  ) as XRayFrame[];
  const cause = {
    working_directory: cwd,
    exceptions: [{
      type: body.errorType,
      message: body.errorMessage,
      stack,
    }],
    paths: [...new Set(stack.map((f) => f.path))],
  };
  const text = JSON.stringify(cause).replace(
    /[^\x20-\x7e]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
  return text.length < XRAY_CAUSE_MAX ? text : undefined;
}
