// Logging. Lambda turns every line of stdout into one CloudWatch event, so a
// multi-line message is written with its newlines as carriage returns (what
// AWS's Node runtime does): it stays one event and still reads as lines.
// Which invocation a line belongs to is asked of `who` at each call, so the
// same console serves one invocation at a time or many at once.

import { encoder } from "./bytes.ts";
import { errorBody, inspect } from "./errors.ts";

export const LEVELS = [
  "TRACE",
  "DEBUG",
  "INFO",
  "WARN",
  "ERROR",
  "FATAL",
] as const;
export type Level = typeof LEVELS[number];
export type Log = (level: Level, args: unknown[]) => void;

/** The invocation a log line is about, if any. */
export interface Tags {
  requestId: string;
  tenantId?: string;
}

/** console.log's argument formatting: printf-like %s %d %i %f %j %o %O %c %%. */
export function format(args: unknown[]): string {
  const parts: string[] = [];
  let i = 0;
  if (typeof args[0] === "string") {
    let text = args[0];
    i = 1;
    if (args.length > 1 && text.includes("%")) {
      text = text.replace(/%[sdifjoOc%]/g, (spec) => {
        if (spec === "%%") return "%";
        if (i >= args.length) return spec;
        return conversion(spec[1], args[i++]);
      });
    }
    parts.push(text);
  }
  for (; i < args.length; i++) parts.push(inspect(args[i]));
  return parts.join(" ");
}

function conversion(spec: string, arg: unknown): string {
  switch (spec) {
    case "s":
      return typeof arg === "string" ? arg : inspect(arg);
    case "d":
    case "i": {
      if (typeof arg === "bigint") return `${arg}n`;
      const n = Number(arg);
      return String(spec === "i" ? Math.trunc(n) : n);
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
}

/** A text log line: timestamp, request id ("undefined" outside one), level, message. */
export function textLine(
  time: Date,
  tags: Tags | undefined,
  level: Level,
  args: unknown[],
): string {
  const message = format(args).replaceAll("\n", "\r");
  return `${time.toISOString()}\t${tags?.requestId}\t${level}\t${message}\n`;
}

/** A JSON log line, with the error fields when an argument is an Error. */
export function jsonLine(
  time: Date,
  tags: Tags | undefined,
  level: Level,
  args: unknown[],
): string {
  const record: Record<string, unknown> = {
    timestamp: time.toISOString(),
    level,
    requestId: tags?.requestId,
    message: format(args),
  };
  if (tags?.tenantId !== undefined) record.tenantId = tags.tenantId;
  const error = args.find((a) => a instanceof Error);
  if (error !== undefined) Object.assign(record, errorBody(error));
  return JSON.stringify(record) + "\n";
}

/** The lowest level that JSON logs keep; Lambda applies none to text logs. */
export function minimumLevel(setting: string | undefined): number {
  return Math.max(
    0,
    LEVELS.indexOf((setting ?? "").toUpperCase() as Level),
  );
}

export interface LoggerOptions {
  format?: string; // AWS_LAMBDA_LOG_FORMAT
  level?: string; // AWS_LAMBDA_LOG_LEVEL
  who: () => Tags | undefined;
  write: (text: string) => void;
  now?: () => Date;
}

export function makeLogger(o: LoggerOptions): Log {
  const now = o.now ?? (() => new Date());
  if ((o.format ?? "").toUpperCase() !== "JSON") {
    return (level, args) => o.write(textLine(now(), o.who(), level, args));
  }
  const minimum = minimumLevel(o.level);
  return (level, args) => {
    if (LEVELS.indexOf(level) < minimum) return;
    o.write(jsonLine(now(), o.who(), level, args));
  };
}

export function writeStdout(text: string): void {
  let bytes = encoder.encode(text);
  try {
    while (bytes.length > 0) {
      bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
    }
  } catch {
    // A closed stdout must not turn a console.log into a handler error.
  }
}

/** Points console's methods at log. */
export function installConsole(log: Log): void {
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
