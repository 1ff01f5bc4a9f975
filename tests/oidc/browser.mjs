// The person at the browser, for `jwb login`'s end-to-end tests: follows an authorization URL
// (or a device verification URL) through the provider's development login and consent forms
// over plain HTTP, with a cookie jar, as a browser would, until the provider redirects to the
// client's loopback redirect URI, which it then requests so `jwb`'s listener receives the code.
//
// Usage:
//   node browser.mjs URL [LOGIN]                 authorization code flow
//   node browser.mjs --device URL USER_CODE [LOGIN]   device flow (RFC 8628)
// Prints `DONE <what the last page said>` and exits 0, or prints the reason and exits 1.

const args = process.argv.slice(2);
const device = args[0] === '--device';
if (device) args.shift();
const [start, second, third] = args;
const userCode = device ? second : undefined;
const login = (device ? third : second) ?? 'alice';

const jar = new Map();
const deadline = Date.now() + 30_000;

function remember(response) {
  for (const line of response.headers.getSetCookie?.() ?? []) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

function cookieHeader() {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function request(url, init = {}) {
  if (Date.now() > deadline) throw new Error('gave up after 30 s');
  const response = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers ?? {}), cookie: cookieHeader() },
    signal: AbortSignal.timeout(10_000),
  });
  remember(response);
  return response;
}

// The forms of the development interactions, the device pages among them.
function forms(html) {
  const out = [];
  for (const m of html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = m[1];
    const action = /action="([^"]*)"/i.exec(attrs)?.[1];
    const id = /id="([^"]*)"/i.exec(attrs)?.[1];
    const fields = {};
    for (const input of m[2].matchAll(/<input([^>]*)>/gi)) {
      const name = /name="([^"]*)"/i.exec(input[1])?.[1];
      const value = /value="([^"]*)"/i.exec(input[1])?.[1] ?? '';
      if (name) fields[name] = value;
    }
    out.push({ action, id, fields, body: m[2] });
  }
  return out;
}

function isProvider(url, origin) {
  return new URL(url).origin === origin;
}

async function run() {
  const origin = new URL(start).origin;
  let url = start;
  let init = {};
  for (let step = 0; step < 40; step += 1) {
    const response = await request(url, init);
    init = {};
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location'), url).href;
      if (!isProvider(next, origin)) {
        // The redirect to the client: deliver it as the browser would.
        const done = await fetch(next, { signal: AbortSignal.timeout(10_000) });
        const text = (await done.text()).replace(/<style[\s\S]*?<\/style>/gi, '');
        console.log(`DONE ${text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}`);
        return;
      }
      url = next;
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`HTTP ${response.status} at ${url}: ${html.slice(0, 300)}`);
    const found = forms(html);
    if (found.length === 0) {
      const text = html.replace(/<style[\s\S]*?<\/style>/gi, '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
      if (device && /success|sign-in success|you can close/i.test(text)) {
        console.log(`DONE ${text.slice(0, 200)}`);
        return;
      }
      throw new Error(`no form at ${url}: ${text.slice(0, 300)}`);
    }
    // The login form first, then consent; on the device pages the code, then its confirmation.
    const form = found.find((f) => 'login' in f.fields || 'password' in f.fields)
      ?? found.find((f) => 'user_code' in f.fields)
      ?? found.find((f) => f.id !== 'op.logoutForm' && !/abort/.test(f.action ?? ''))
      ?? found[0];
    const fields = { ...form.fields };
    if ('login' in fields) fields.login = login;
    if ('password' in fields) fields.password = 'any password';
    if ('user_code' in fields && userCode) fields.user_code = userCode;
    if (/name="confirm"/.test(form.body) || /op\.confirm/i.test(html)) fields.confirm = 'yes';
    url = new URL(form.action ?? url, url).href;
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    };
  }
  throw new Error('more than 40 steps');
}

run().catch((e) => {
  console.log(`FAILED ${e.message}`);
  process.exit(1);
});
