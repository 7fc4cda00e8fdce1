/**
 * The command token. It is never part of the page nor served by the API: the user pastes it once (or opens the
 * URL the runner printed, whose `#token=…` fragment never leaves the browser), and it lives in sessionStorage
 * for this tab only. It is sent nowhere but the Authorization header of command requests.
 */
const KEY = 'zero-perps.token';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  const t = token.trim();
  if (t === '') sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, t);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

/**
 * Takes a `token=…` parameter out of the location fragment (keeping any route that follows it), stores it,
 * and rewrites the address so the token does not stay in the address bar or the history.
 */
export function adoptTokenFromFragment(): void {
  const hash = location.hash.replace(/^#/, '');
  if (!hash.includes('token=')) return;
  const [route, query] = hash.includes('?') ? hash.split('?', 2) : ['', hash];
  const params = new URLSearchParams(query);
  const token = params.get('token');
  if (token === null) return;
  saveToken(token);
  params.delete('token');
  const rest = params.toString();
  const cleaned = `${route && route !== 'token' ? route : '/'}${rest ? `?${rest}` : ''}`;
  history.replaceState(null, '', `${location.pathname}${location.search}#${cleaned}`);
}
