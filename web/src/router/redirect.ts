/** Where to go after signing in: only same-app paths, never another origin (open-redirect defence). */
export function safeRedirect(value: unknown): string {
  const target: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return '/studio';
  if (target === '/login' || target === '/register') return '/studio';
  return target;
}
