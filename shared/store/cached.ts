/**
 * Memoises an async loader per key for `ttlMs`: reference data changes rarely, and a warm
 * Lambda container should not pay a query for it on every request.
 */
export function cached<T>(load: (key: string) => Promise<T>, ttlMs: number, now = () => Date.now()) {
  const entries = new Map<string, { value: Promise<T>; expires: number }>();
  return (key: string): Promise<T> => {
    const hit = entries.get(key);
    if (hit && hit.expires > now()) return hit.value;
    const value = load(key);
    entries.set(key, { value, expires: now() + ttlMs });
    // A failed load is forgotten, unless a newer load has already replaced it.
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  };
}
