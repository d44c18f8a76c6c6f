// A tiny in-page event bus: modules talk through named events instead of importing each other.
const target = new EventTarget();

/** Subscribes to an event; returns the function that unsubscribes. */
export function on(type, fn) {
  const listener = (e) => fn(e.detail);
  target.addEventListener(type, listener);
  return () => target.removeEventListener(type, listener);
}

export function emit(type, detail) {
  target.dispatchEvent(new CustomEvent(type, { detail }));
}
