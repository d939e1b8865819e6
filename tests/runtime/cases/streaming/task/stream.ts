// Streaming results: returned ReadableStreams, and a handler marked as streaming.
import type { StreamingHandler } from "/opt/runtime/shim.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bytes = (s: string) => new TextEncoder().encode(s);

export function handler(event: { kind: string }) {
  switch (event.kind) {
    case "chunks":
      return new ReadableStream({
        async start(c) {
          c.enqueue("first\n");
          await sleep(400);
          c.enqueue(bytes("second\n"));
          c.close();
        },
      });
    case "fails-midway":
      return new ReadableStream({
        async start(c) {
          c.enqueue("partial ");
          await sleep(50);
          c.error(new RangeError("stream broke"));
        },
      });
    case "fails-first":
      return new ReadableStream({
        start(c) {
          c.error(new EvalError("nothing sent"));
        },
      });
    case "bad-chunk":
      return new ReadableStream({
        start(c) {
          c.enqueue(42);
          c.close();
        },
      });
    default:
      return { buffered: true };
  }
}

export const marked: StreamingHandler<{ kind: string }> = (event) => {
  switch (event.kind) {
    case "response":
      return new Response("body text", { status: 202, headers: { "x-s": "1", "set-cookie": "c=1" } });
    case "string":
      return "just text";
    default:
      return { a: 1 };
  }
};
marked.streaming = true;

// The example in docs/runtime.md, "Response streaming".
export const documented: StreamingHandler = () =>
  new Response(ReadableStream.from(["one\n", "two\n"]).pipeThrough(new TextEncoderStream()), {
    headers: { "content-type": "text/plain" },
  });
documented.streaming = true;
