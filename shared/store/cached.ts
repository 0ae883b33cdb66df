/**
 * Memoises an async loader per key for `ttlMs`: reference data and memberships change rarely,
 * and a warm Lambda container should not pay a query for them on every request. A value for
 * which `keep` says no (a missing membership, say) serves the requests already waiting for it,
 * and the next one loads again.
 */
export function cached<T>(
  load: (key: string) => Promise<T>,
  ttlMs: number,
  now = () => Date.now(),
  keep: (value: T) => boolean = () => true,
) {
  const entries = new Map<string, { value: Promise<T>; expires: number }>();
  return (key: string): Promise<T> => {
    const hit = entries.get(key);
    if (hit && hit.expires > now()) return hit.value;
    const value = load(key);
    entries.set(key, { value, expires: now() + ttlMs });
    // A failed or unkept load is forgotten, unless a newer load has already replaced it.
    const forget = () => {
      if (entries.get(key)?.value === value) entries.delete(key);
    };
    value.then((v) => {
      if (!keep(v)) forget();
    }, forget);
    return value;
  };
}
