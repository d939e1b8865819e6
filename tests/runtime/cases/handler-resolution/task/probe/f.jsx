// Probed for _HANDLER=probe/f.handler.
export const handler = () => "f.jsx";
