// Probed for _HANDLER=probe/a.handler.
export const handler = () => "a.ts";
