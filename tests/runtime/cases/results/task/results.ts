// Returns the kind of result the event asks for.
const LIMIT = 6 * 1024 * 1024 + 100;

export async function handler(event: { kind: string }) {
  switch (event.kind) {
    case "object":
      return { a: 1, nested: { b: [true, null] } };
    case "async":
      await new Promise((r) => setTimeout(r, 20));
      return { async: true };
    case "undefined":
      return undefined;
    case "nothing":
      return;
    case "string":
      return "hello";
    case "number":
      return 42;
    case "function":
      return () => 1;
    case "bigint":
      return { big: 10n };
    case "cycle": {
      const o: Record<string, unknown> = {};
      o.self = o;
      return o;
    }
    case "at-limit":
      // JSON.stringify adds two quotes: exactly LIMIT bytes.
      return "x".repeat(LIMIT - 2);
    case "over-limit":
      return "x".repeat(LIMIT - 1);
    case "response":
      return new Response("hi there", {
        status: 201,
        headers: { "x-a": "1", "set-cookie": "s=1; Path=/", "content-type": "text/plain" },
      });
    case "binary-response":
      return new Response(new Uint8Array([0, 255, 1]), { headers: { "content-type": "image/png" } });
    case "json-response":
      return Response.json({ ok: true }, { status: 404 });
    default:
      return "next";
  }
}
