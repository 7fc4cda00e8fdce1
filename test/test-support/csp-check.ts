/** The assertion a Content-Security-Policy header must pass: nothing allowed beyond the page's own origin. */
import assert from 'node:assert/strict';

/** The CSP must allow nothing beyond this origin: no eval, no wildcard, default 'self'/'none', no framing. */
export function checkCsp(csp: string | null, where: string): void {
  assert.ok(csp, `${where}: has a Content-Security-Policy`);
  const directives = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  const def = directives.get('default-src');
  assert.ok(
    def && def.length === 1 && ["'self'", "'none'"].includes(def[0] as string),
    `${where}: default-src: ${csp}`,
  );
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], `${where}: frame-ancestors 'none'`);
  for (const [name, sources] of directives) {
    for (const s of sources) {
      assert.notEqual(s.toLowerCase(), "'unsafe-eval'", `${where}: ${name} allows eval`);
      assert.ok(!s.includes('*'), `${where}: ${name} has a wildcard source ${s}`);
      assert.ok(!/^(https?|wss?):$/i.test(s), `${where}: ${name} allows a whole scheme ${s}`);
    }
  }
  const scripts = directives.get('script-src') ?? def;
  assert.ok(!scripts?.includes("'unsafe-inline'"), `${where}: scripts may not be inline`);
  assert.ok(!scripts?.includes('data:'), `${where}: scripts may not come from data: URLs`);
}
