// Answers with its event, or fails when asked to.
export function handler(event: { fail?: boolean }) {
  if (event.fail) throw new Error("asked to fail");
  return event;
}
