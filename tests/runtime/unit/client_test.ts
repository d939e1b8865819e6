// The Runtime API client over an injected transport: no sockets.
import {
  chunkFrame,
  type Conn,
  type Dial,
  RuntimeClient,
} from "../../../runtime/client.ts";
import { concurrency } from "../../../runtime/invocation.ts";
import { decoder, encoder } from "../../../runtime/bytes.ts";
import { equal, rejects } from "./assert.ts";

/** A connection that answers with `replies`, `step` bytes per read. */
class FakeConn implements Conn {
  sent = "";
  closed = false;
  #data: Uint8Array;
  constructor(replies: string, readonly step = 1 << 16) {
    this.#data = encoder.encode(replies);
  }
  read(p: Uint8Array): Promise<number | null> {
    if (this.#data.length === 0) return Promise.resolve(null);
    const n = Math.min(p.length, this.step, this.#data.length);
    p.set(this.#data.subarray(0, n));
    this.#data = this.#data.subarray(n);
    return Promise.resolve(n);
  }
  write(p: Uint8Array): Promise<number> {
    this.sent += decoder.decode(p);
    return Promise.resolve(p.length);
  }
  close(): void {
    this.closed = true;
  }
}

function dialer(conns: FakeConn[]): Dial & { dialed: number } {
  const d = Object.assign(() => {
    const c = conns[d.dialed++];
    return c ? Promise.resolve(c) : Promise.reject(new Error("refused"));
  }, { dialed: 0 });
  return d;
}

const next =
  'HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r1\r\nContent-Length: 7\r\n\r\n{"a":1}';
const accepted =
  'HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\n\r\n{"status":"OK"}\n';

Deno.test("request: the request line, Host and body; headers parsed", async () => {
  const conn = new FakeConn(next + accepted);
  const client = new RuntimeClient("127.0.0.1:9001", dialer([conn]));
  const r = await client.next();
  equal([r.status, r.headers.get("lambda-runtime-aws-request-id")], [
    200,
    "r1",
  ]);
  equal(decoder.decode(r.body), '{"a":1}');
  const p = await client.request(
    "POST",
    "/invocation/r1/response",
    "Content-Type: application/json\r\n",
    encoder.encode('"ok"'),
  );
  equal(p.status, 202);
  equal(
    conn.sent,
    "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n" +
      "POST /2018-06-01/runtime/invocation/r1/response HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n" +
      'Content-Type: application/json\r\nContent-Length: 4\r\n\r\n"ok"',
  );
});

Deno.test("reply: a chunked body read a byte at a time", async () => {
  const chunked =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n";
  const client = new RuntimeClient("h:1", dialer([new FakeConn(chunked, 1)]));
  equal(decoder.decode((await client.next()).body), "abc0123456789");
});

Deno.test("request: a kept-alive connection found closed is replaced once", async () => {
  const first = new FakeConn(next); // then closed by the peer
  const second = new FakeConn(accepted);
  const d = dialer([first, second]);
  const client = new RuntimeClient("h:1", d);
  await client.next();
  equal((await client.request("POST", "/x", "", new Uint8Array())).status, 202);
  equal([d.dialed, first.closed], [2, true]);
});

Deno.test("request: a fresh connection that fails is an error, not a retry loop", async () => {
  const d = dialer([new FakeConn("")]);
  await rejects(
    () => new RuntimeClient("h:1", d).next(),
    /closed the connection/,
  );
  equal(d.dialed, 1);
});

Deno.test("request: Connection: close drops the connection", async () => {
  const closing =
    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  const a = new FakeConn(closing), b = new FakeConn(closing);
  const d = dialer([a, b]);
  const client = new RuntimeClient("h:1", d);
  await client.next();
  await client.next();
  equal([d.dialed, a.closed], [2, true]);
});

Deno.test("reply: not HTTP, or a bad chunk size, is an error", async () => {
  await rejects(
    () =>
      new RuntimeClient("h:1", dialer([new FakeConn("SSH-2.0\r\n")])).next(),
    /not an HTTP\/1.1 reply/,
  );
  await rejects(
    () =>
      new RuntimeClient(
        "h:1",
        dialer([
          new FakeConn(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
          ),
        ]),
      ).next(),
    /bad chunk size/,
  );
});

Deno.test("openStream: chunked, streaming mode, error trailers announced", async () => {
  const conn = new FakeConn(accepted);
  const client = new RuntimeClient("h:1", dialer([conn]));
  const c = await client.openStream("/invocation/r/response", "text/plain");
  await c.write(chunkFrame(encoder.encode("hello")));
  equal(
    conn.sent,
    "POST /2018-06-01/runtime/invocation/r/response HTTP/1.1\r\nHost: h:1\r\n" +
      "Content-Type: text/plain\r\nLambda-Runtime-Function-Response-Mode: streaming\r\n" +
      "Transfer-Encoding: chunked\r\n" +
      "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n" +
      "Connection: close\r\n\r\n5\r\nhello\r\n",
  );
  equal((await c.reply()).status, 202);
});

Deno.test("concurrency: AWS_LAMBDA_MAX_CONCURRENCY", () => {
  equal(
    [undefined, "", "1", "4", "64", "0", "-2", "4x", "99999"].map(concurrency),
    [1, 1, 1, 4, 64, undefined, undefined, undefined, undefined],
  );
});
