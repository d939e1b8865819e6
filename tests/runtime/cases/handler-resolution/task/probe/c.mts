// Probed for _HANDLER=probe/c.handler.
export const handler = () => "c.mts";
