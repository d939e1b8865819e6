// Logs at every level; AWS_LAMBDA_LOG_LEVEL=WARN keeps only WARN and above.
console.warn("at init");

export function handler() {
  console.debug("debug line");
  console.info("info line");
  console.log("log line");
  console.warn("warn line\nwith a second line");
  console.error("failed:", new RangeError("out of range"));
  return "logged";
}
