import {
  asText,
  marshal,
  MAX_RESPONSE_BYTES,
  responseToProxy,
  streamSource,
  toBytes,
} from "../../../runtime/result.ts";
import { decoder } from "../../../runtime/bytes.ts";
import { equal, ok } from "./assert.ts";

Deno.test("marshal: JSON.stringify, undefined as null", () => {
  equal(decoder.decode(marshal("hello") as Uint8Array), '"hello"');
  equal(decoder.decode(marshal(undefined) as Uint8Array), "null");
  equal(decoder.decode(marshal(() => 1) as Uint8Array), "null");
  equal(decoder.decode(marshal({ a: [1] }) as Uint8Array), '{"a":[1]}');
});

Deno.test("marshal: a value JSON cannot hold is a MarshalError", () => {
  const r = marshal({ n: 1n });
  ok(!(r instanceof Uint8Array));
  equal((r as { errorType: string }).errorType, "Runtime.MarshalError");
});

Deno.test("marshal: the size limit, to the byte", () => {
  const fits = "x".repeat(MAX_RESPONSE_BYTES - 2); // plus two quotes
  ok(marshal(fits) instanceof Uint8Array);
  equal(marshal(fits + "x"), {
    errorType: "Function.ResponseSizeTooLarge",
    errorMessage:
      "Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).",
    stackTrace: [],
  });
});

Deno.test("asText: textual types that are valid UTF-8", () => {
  const bytes = new TextEncoder().encode("hé");
  equal(asText(null, bytes), "hé");
  equal(asText("application/problem+json", bytes), "hé");
  equal(asText("image/png", bytes), undefined);
  equal(asText("text/plain", new Uint8Array([0xff])), undefined);
});

Deno.test("responseToProxy: status, headers, cookies, base64 for binary", async () => {
  const headers = new Headers({ "content-type": "image/png", "x-a": "1" });
  headers.append("set-cookie", "a=1");
  headers.append("set-cookie", "b=2");
  const proxy = await responseToProxy(
    new Response(new Uint8Array([0, 255]), { status: 201, headers }),
  );
  equal(proxy, {
    statusCode: 201,
    headers: { "content-type": "image/png", "x-a": "1" },
    cookies: ["a=1", "b=2"],
    body: "AP8=",
    isBase64Encoded: true,
  });
});

async function drain(result: unknown): Promise<[string, string]> {
  const s = streamSource(result);
  const parts: Uint8Array[] = [];
  for (let c = await s.next(); c !== undefined; c = await s.next()) {
    parts.push(c);
  }
  return [s.type, parts.map((p) => decoder.decode(p)).join("|")];
}

Deno.test("streamSource: what each kind of result streams as", async () => {
  equal(await drain(ReadableStream.from(["a", "b"])), [
    "application/octet-stream",
    "a|b",
  ]);
  equal(await drain("text"), ["application/octet-stream", "text"]);
  equal(await drain({ k: 1 }), ["application/json", '{"k":1}']);
  const [type, body] = await drain(
    new Response("hi", { status: 202, headers: { "x-h": "v" } }),
  );
  equal(type, "application/vnd.awslambda.http-integration-response");
  equal(
    body,
    '{"statusCode":202,"headers":{"content-type":"text/plain;charset=UTF-8","x-h":"v"},"cookies":[]}\0\0\0\0\0\0\0\0|hi',
  );
});

Deno.test("toBytes: strings, bytes, views; anything else is a TypeError", () => {
  equal([...toBytes("é")], [0xc3, 0xa9]);
  equal([...toBytes(new Uint16Array([1]))], [1, 0]);
  let threw = "";
  try {
    toBytes(5);
  } catch (e) {
    threw = (e as Error).name;
  }
  equal(threw, "TypeError");
});
