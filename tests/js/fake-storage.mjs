// A Web Storage stand-in for the unit tests: `blocked` makes every call throw, as
// browsers do when storage is disabled.

export function fakeStorage(initial = {}) {
  const data = new Map(Object.entries(initial));
  return {
    blocked: false,
    data,
    getItem(key) {
      if (this.blocked) throw new Error('SecurityError');
      return data.has(key) ? data.get(key) : null;
    },
    setItem(key, value) {
      if (this.blocked) throw new Error('SecurityError');
      data.set(key, String(value));
    },
    removeItem(key) {
      if (this.blocked) throw new Error('SecurityError');
      data.delete(key);
    },
  };
}
