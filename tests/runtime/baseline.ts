// The benchmark's baseline: the least a Deno Runtime API client can do (GET
// /next, parse the event, POST a JSON answer), with none of the shim's work.
const base = `http://${Deno.env.get("AWS_LAMBDA_RUNTIME_API")}/2018-06-01/runtime/invocation`;
for (;;) {
  const res = await fetch(`${base}/next`);
  const event = JSON.parse(await res.text());
  const id = res.headers.get("lambda-runtime-aws-request-id");
  const answer = await fetch(`${base}/${id}/response`, { method: "POST", body: JSON.stringify({ n: event.n, size: event.pad?.length }) });
  await answer.text();
}
