// Probed for _HANDLER=probe/b.handler.
export const handler = () => "b.mjs";
