// The Runtime API client: HTTP/1.1 over a kept-alive TCP connection. fetch()
// would work, but its first use costs some 7 ms of CPU at start-up (it builds
// a TLS-capable client), which Lambda bills and throttles on small functions;
// it obeys HTTP_PROXY even for 127.0.0.1; and it cannot send the trailers
// that response streaming needs. The Runtime API is a local HTTP/1.1 server:
// status line, headers, a Content-Length or chunked body is all it takes.
//
// The transport is injected (`Dial`), so tests can talk to the client
// without sockets. One RuntimeClient holds one connection and serves one
// request at a time: a runtime with several invocation loops gives each its
// own client.

import { decoder, encoder } from "./bytes.ts";

/** A byte stream to the Runtime API (a Deno.TcpConn, or a test double). */
export interface Conn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
}
export type Dial = () => Promise<Conn>;

export interface Reply {
  status: number;
  headers: Map<string, string>;
  body: Uint8Array;
}

/** Dials host:port over TCP, without Nagle's delay (requests are written whole). */
export function tcpDial(api: string): Dial {
  const colon = api.lastIndexOf(":");
  return async () => {
    const conn = await Deno.connect({
      hostname: api.slice(0, colon),
      port: Number(api.slice(colon + 1)),
    });
    conn.setNoDelay(true);
    return conn;
  };
}

export function chunkSize(line: string): number {
  const size = parseInt(line, 16);
  if (!(size >= 0)) {
    throw new Error(`Runtime API: bad chunk size line '${line}'`);
  }
  return size;
}

/** One chunk of a chunked request body. */
export function chunkFrame(bytes: Uint8Array): Uint8Array {
  const head = encoder.encode(bytes.length.toString(16) + "\r\n");
  const frame = new Uint8Array(head.length + bytes.length + 2);
  frame.set(head);
  frame.set(bytes, head.length);
  frame.set([13, 10], head.length + bytes.length);
  return frame;
}

/** An HTTP/1.1 connection: writes requests, parses replies. */
export class Connection {
  #conn: Conn;
  #buf = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;
  /** Bytes received since the last request was sent. */
  received = 0;

  constructor(conn: Conn) {
    this.#conn = conn;
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

  async #chunked(): Promise<Uint8Array> {
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
    const body = new Uint8Array(total);
    let at = 0;
    for (const p of parts) body.set(p, (at += p.length) - p.length);
    return body;
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
    const body = /chunked/i.test(headers.get("transfer-encoding") ?? "")
      ? await this.#chunked()
      : await this.#bytes(Number(headers.get("content-length") ?? 0));
    return {
      status: Number(status[1]),
      headers,
      body,
      close: /close/i.test(headers.get("connection") ?? ""),
    };
  }
}

/** Requests to the Runtime API at `api` (host:port), over what `dial` opens. */
export class RuntimeClient {
  #connection: Connection | undefined;

  constructor(readonly api: string, readonly dial: Dial = tcpDial(api)) {}

  async open(): Promise<Connection> {
    return new Connection(await this.dial());
  }

  /**
   * One request on the kept-alive connection. A connection that turns out to
   * be closed before any byte of the reply came back is replaced, once.
   * Throws on a transport failure; any status is returned.
   */
  async request(
    method: string,
    path: string,
    headers = "",
    body?: Uint8Array,
  ): Promise<Reply> {
    const head = encoder.encode(
      `${method} /2018-06-01/runtime${path} HTTP/1.1\r\nHost: ${this.api}\r\n${headers}` +
        (body ? `Content-Length: ${body.length}\r\n\r\n` : "\r\n"),
    );
    for (let retry = true;; retry = false) {
      const fresh = this.#connection === undefined;
      const conn = this.#connection ??= await this.open();
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
        if (reply.close) this.#drop(conn);
        return reply;
      } catch (e) {
        this.#drop(conn);
        if (fresh || !retry || conn.received > 0) throw e;
      }
    }
  }

  #drop(conn: Connection): void {
    conn.close();
    if (this.#connection === conn) this.#connection = undefined;
  }

  next(): Promise<Reply> {
    return this.request("GET", "/invocation/next");
  }

  /** Opens a streamed POST (chunked, with error trailers announced) on its own connection. */
  async openStream(path: string, type: string): Promise<Connection> {
    const conn = await this.open();
    try {
      await conn.write(encoder.encode(
        `POST /2018-06-01/runtime${path} HTTP/1.1\r\n` +
          `Host: ${this.api}\r\n` +
          `Content-Type: ${type}\r\n` +
          "Lambda-Runtime-Function-Response-Mode: streaming\r\n" +
          "Transfer-Encoding: chunked\r\n" +
          "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n" +
          "Connection: close\r\n\r\n",
      ));
    } catch (e) {
      conn.close();
      throw e;
    }
    return conn;
  }
}
