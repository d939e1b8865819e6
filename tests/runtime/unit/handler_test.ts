import {
  findModule,
  parseHandler,
  pickHandler,
  toFileUrl,
} from "../../../runtime/handler.ts";
import { InitError } from "../../../runtime/errors.ts";
import { equal, ok } from "./assert.ts";

function initError(f: () => unknown): InitError {
  try {
    f();
  } catch (e) {
    if (e instanceof InitError) return e;
    throw e;
  }
  throw new Error("no InitError");
}

Deno.test("parseHandler: split on the last dot", () => {
  equal(parseHandler("mod.handler"), { module: "mod", name: "handler" });
  equal(parseHandler("api.v2.handler"), { module: "api.v2", name: "handler" });
  equal(parseHandler("src/routes/users.list"), {
    module: "src/routes/users",
    name: "list",
  });
});

Deno.test("parseHandler: malformed names", () => {
  for (const spec of ["", "mod", ".handler", "mod.", "dir/.handler"]) {
    equal(
      initError(() => parseHandler(spec)).errorType,
      "Runtime.MalformedHandlerName",
      spec,
    );
  }
});

Deno.test("findModule: extensions in order", () => {
  const files = new Set(["/t/m.js", "/t/m.mjs", "/t/n.jsx"]);
  const exists = (p: string) => files.has(p);
  equal(findModule("/t", "m", exists), "/t/m.js");
  equal(findModule("/t", "n", exists), "/t/n.jsx");
  equal(findModule("/t", "none", exists), undefined);
});

Deno.test("pickHandler: missing and non-function exports", () => {
  const f = () => 1;
  ok(pickHandler({ handler: f }, "m.handler", "handler") === f);
  const missing = initError(() => pickHandler({}, "m.h", "h"));
  equal([missing.errorType, missing.message], [
    "Runtime.HandlerNotFound",
    "m.h is undefined or not exported",
  ]);
  equal(
    initError(() => pickHandler({ h: 3 }, "m.h", "h")).message,
    "m.h is not a function (it is number)",
  );
});

Deno.test("toFileUrl: each path segment encoded", () => {
  equal(toFileUrl("/var/task/a b#c.ts"), "file:///var/task/a%20b%23c.ts");
});
