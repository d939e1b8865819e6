// Probed for _HANDLER=probe/d.handler.
export const handler = () => "d.tsx";
