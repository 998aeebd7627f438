// Hash routing: '#/invoices/ID?status=paid'. The server only serves '/', so every
// page lives behind the hash.

let routerFn = () => {};

export function setRouter(fn) { routerFn = fn; }

// Goes to a hash route; re-renders even when the hash is already there.
export function go(hash) {
  if (location.hash === hash) routerFn();
  else location.hash = hash;
}

export function rerender() { routerFn(); }
