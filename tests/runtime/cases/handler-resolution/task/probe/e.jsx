// Probed for _HANDLER=probe/e.handler.
export const handler = () => "e.jsx";
