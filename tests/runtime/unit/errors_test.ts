import {
  errorBody,
  Fault,
  faultBody,
  headerSafe,
  XRAY_CAUSE_MAX,
  xrayCause,
  xrayFrame,
} from "../../../runtime/errors.ts";
import { equal, ok } from "./assert.ts";

Deno.test("errorBody: an Error's name, message and stack lines", () => {
  const e = new TypeError("bad input");
  e.stack =
    "TypeError: bad input\n    at handler (file:///var/task/mod.ts:3:9)\n";
  equal(errorBody(e), {
    errorType: "TypeError",
    errorMessage: "bad input",
    stackTrace: [
      "TypeError: bad input",
      "    at handler (file:///var/task/mod.ts:3:9)",
    ],
  });
});

Deno.test("errorBody: a subclass that keeps the name Error shows its class", () => {
  class ValidationError extends Error {}
  equal(errorBody(new ValidationError("no")).errorType, "ValidationError");
});

Deno.test("errorBody: values that are not Errors are typed as Node's runtime types them", () => {
  equal(errorBody("x"), {
    errorType: "string",
    errorMessage: "x",
    stackTrace: [],
  });
  equal(errorBody({ code: 1 }).errorType, "object");
  equal(errorBody({ code: 1 }).errorMessage, "{ code: 1 }");
  equal(errorBody(undefined).errorType, "undefined");
  equal(errorBody(null).errorType, "null");
});

Deno.test("errorBody: a getter that throws is survived", () => {
  const evil = {
    get name(): string {
      throw new Error("gotcha");
    },
  };
  equal(errorBody(evil), {
    errorType: "Runtime.UnknownError",
    errorMessage: "the thrown value could not be described: Error: gotcha",
    stackTrace: [],
  });
});

Deno.test("errorBody: a given type wraps the message with the error's own name", () => {
  equal(
    errorBody(new RangeError("r"), "Runtime.UnhandledPromiseRejection")
      .errorMessage,
    "RangeError: r",
  );
  equal(
    faultBody(new Fault("Runtime.UnhandledPromiseRejection", new Error("x")))
      .errorType,
    "Runtime.UnhandledPromiseRejection",
  );
});

Deno.test("headerSafe: non-ASCII is percent-encoded, ASCII kept", () => {
  equal(headerSafe("Fehler.Größe"), "Fehler.Gr%C3%B6%C3%9Fe");
  equal(headerSafe("Plain.Type-1"), "Plain.Type-1");
  equal(headerSafe("a\ud800b"), "a_b");
});

Deno.test("xrayFrame: named, anonymous and encoded frames", () => {
  equal(xrayFrame("    at handler (file:///var/task/mod.ts:3:9)"), {
    path: "/var/task/mod.ts",
    line: 3,
    label: "handler",
  });
  equal(xrayFrame("    at file:///var/task/my%20dir/a.ts:10:2"), {
    path: "/var/task/my dir/a.ts",
    line: 10,
    label: "anonymous",
  });
  equal(xrayFrame("    at async Promise.all (index 0)"), {
    path: "index 0",
    line: 0,
    label: "async Promise.all",
  });
  equal(xrayFrame("TypeError: bad input"), undefined);
});

Deno.test("xrayCause: the JSON AWS's clients send, ASCII only", () => {
  const text = xrayCause({
    errorType: "TypeError",
    errorMessage: "bad ünput",
    stackTrace: [
      "TypeError: bad ünput",
      "    at f (file:///var/task/a.ts:1:1)",
      "    at g (file:///var/task/a.ts:2:1)",
      "    at h (file:///var/task/b.ts:3:1)",
    ],
  }, "/var/task");
  ok(text !== undefined && /^[\x20-\x7e]*$/.test(text), "ASCII");
  equal(JSON.parse(text!), {
    working_directory: "/var/task",
    exceptions: [{
      type: "TypeError",
      message: "bad ünput",
      stack: [
        { path: "/var/task/a.ts", line: 1, label: "f" },
        { path: "/var/task/a.ts", line: 2, label: "g" },
        { path: "/var/task/b.ts", line: 3, label: "h" },
      ],
    }],
    paths: ["/var/task/a.ts", "/var/task/b.ts"],
  });
});

Deno.test("xrayCause: none at 1 MiB or more, as AWS's clients cap it", () => {
  const body = (n: number) => ({
    errorType: "E",
    errorMessage: "m".repeat(n),
    stackTrace: [],
  });
  const overhead = xrayCause(body(0), "/w")!.length;
  equal(
    xrayCause(body(XRAY_CAUSE_MAX - overhead - 1), "/w")?.length,
    XRAY_CAUSE_MAX - 1,
  );
  equal(xrayCause(body(XRAY_CAUSE_MAX - overhead), "/w"), undefined);
});
