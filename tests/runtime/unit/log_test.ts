import {
  format,
  jsonLine,
  makeLogger,
  minimumLevel,
  textLine,
} from "../../../runtime/log.ts";
import { equal } from "./assert.ts";

const t = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
const tags = { requestId: "req-1" };

Deno.test("format: console.log's conversions", () => {
  equal(format(["%s=%d", "n", 42]), "n=42");
  equal(format(["%i %f", 3.7, "2.5"]), "3 2.5");
  equal(format(["%j", { a: 1 }]), '{"a":1}');
  equal(format(["100%% %c", "color: red"]), "100% ");
  equal(format(["%d", 10n]), "10n");
  equal(format(["%s %s", "only one"]), "only one %s");
  equal(format(["a", 1, { b: 2 }]), "a 1 { b: 2 }");
  equal(format([{ x: 1 }, "s"]), "{ x: 1 } s");
});

Deno.test("format: %j of a cycle", () => {
  const o: Record<string, unknown> = {};
  o.self = o;
  equal(format(["%j", o]), "[Circular]");
});

Deno.test("textLine: timestamp, request id, level, one line", () => {
  equal(
    textLine(t, tags, "INFO", ["two\nlines"]),
    "2026-01-01T12:00:00.000Z\treq-1\tINFO\ttwo\rlines\n",
  );
  equal(
    textLine(t, undefined, "WARN", ["x"]),
    "2026-01-01T12:00:00.000Z\tundefined\tWARN\tx\n",
  );
});

Deno.test("jsonLine: requestId and tenantId when known, error fields", () => {
  equal(JSON.parse(jsonLine(t, undefined, "INFO", ["m"])), {
    timestamp: "2026-01-01T12:00:00.000Z",
    level: "INFO",
    message: "m",
  });
  const e = new RangeError("r");
  const rec = JSON.parse(
    jsonLine(t, { requestId: "q", tenantId: "acme" }, "ERROR", ["oops", e]),
  );
  equal(
    [rec.requestId, rec.tenantId, rec.errorType, rec.errorMessage],
    ["q", "acme", "RangeError", "r"],
  );
  equal(rec.stackTrace[0], "RangeError: r");
});

Deno.test("minimumLevel: Lambda's names, anything else keeps all", () => {
  equal(minimumLevel("warn"), 3);
  equal(minimumLevel("TRACE"), 0);
  equal(minimumLevel(undefined), 0);
  equal(minimumLevel("loud"), 0);
});

Deno.test("makeLogger: the level applies to JSON logs only; who is asked per line", () => {
  const out: string[] = [];
  let who: { requestId: string } | undefined = { requestId: "a" };
  const opts = {
    level: "WARN",
    who: () => who,
    write: (s: string) => void out.push(s),
    now: () => t,
  };
  const text = makeLogger({ ...opts, format: "text" });
  text("DEBUG", ["d"]);
  who = undefined;
  text("INFO", ["i"]);
  equal(out, [
    "2026-01-01T12:00:00.000Z\ta\tDEBUG\td\n",
    "2026-01-01T12:00:00.000Z\tundefined\tINFO\ti\n",
  ]);
  out.length = 0;
  const json = makeLogger({ ...opts, format: "json" });
  who = { requestId: "b" };
  json("INFO", ["dropped"]);
  json("ERROR", ["kept"]);
  equal(out.map((l) => JSON.parse(l).message), ["kept"]);
  equal(JSON.parse(out[0]).requestId, "b");
});
