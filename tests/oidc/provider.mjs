// A real, certified OpenID provider (panva's oidc-provider) on loopback, for `jwb login`'s
// end-to-end tests. Nothing here is a mock: discovery, the authorization code flow with PKCE,
// the device flow, client credentials, refresh-token rotation with reuse detection and the
// development login form are the provider's own.
//
// Usage: node provider.mjs [PORT]   (0 or nothing: an ephemeral port)
// Prints one line `READY http://127.0.0.1:PORT` when it listens, then serves until killed or
// until its parent's stdin closes (so a crashed test never leaves it running).

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 0);
const RESOURCE = 'https://api.example.test';

// A fresh signing key per run (ES256 for the access tokens, RS256 for ID tokens by default).
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

// The client that authenticates with a signed assertion (private_key_jwt, RFC 7523) registers
// the public half of the P-256 test key jwb signs with.
const assertionKey = JSON.parse(readFileSync(new URL('../fixtures/keys/p256.public.jwk.json', import.meta.url)));

const config = {
  clients: [
    {
      // A native (public) client: loopback redirect on any port (RFC 8252 sec. 7.3), PKCE.
      client_id: 'jwb-native',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
    },
    {
      // A confidential client with a secret, for client credentials.
      client_id: 'jwb-service',
      client_secret: 'jwb-service-secret-for-tests-only-0123456789',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
    {
      client_id: 'jwb-signed',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [assertionKey] },
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
  ],
  jwks: { keys: [{ ...rsa, kid: 'rsa-1', use: 'sig', alg: 'RS256' }, { ...ec, kid: 'ec-1', use: 'sig', alg: 'ES256' }] },
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Every grant gets a JWT access token for one API unless it names another.
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== RESOURCE) throw new Error(`unknown resource ${resource}`);
        return {
          scope: 'read write',
          audience: RESOURCE,
          accessTokenTTL: Number(process.env.JWB_TEST_AT_TTL ?? 120),
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        };
      },
    },
  },
  scopes: ['openid', 'offline_access', 'profile', 'email', 'read', 'write'],
  claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
  findAccount: (_ctx, sub) => ({
    accountId: sub,
    claims: () => ({ sub, name: `Test user ${sub}`, email: `${sub}@example.test` }),
  }),
  pkce: { required: () => true },
  // Every refresh rotates, so a replayed refresh token is reuse (and revokes the grant).
  rotateRefreshToken: true,
  issueRefreshToken: (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  ttl: {
    AccessToken: Number(process.env.JWB_TEST_AT_TTL ?? 120),
    IdToken: 300,
    RefreshToken: 3600,
    DeviceCode: 300,
    ClientCredentials: 120,
    Grant: 3600,
    Interaction: 600,
    Session: 3600,
  },
  // Consent for offline_access: grant what was asked, as a test user would click.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid offline_access profile email');
    grant.addResourceScope(RESOURCE, 'read write');
    await grant.save();
    return grant;
  },
};

// The issuer must be the URL clients use, so the port is fixed before the provider exists.
const free = port || await new Promise((resolve, reject) => {
  const probe = createServer();
  probe.once('error', reject);
  probe.listen(0, '127.0.0.1', () => {
    const { port: p } = probe.address();
    probe.close(() => resolve(p));
  });
});
const issuer = `http://127.0.0.1:${free}`;
const provider = new Provider(issuer, config);
const server = provider.listen(free, '127.0.0.1', () => process.stdout.write(`READY ${issuer}\n`));
server.on('error', (e) => { process.stderr.write(`provider: ${e.message}\n`); process.exit(1); });

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), 15 * 60 * 1000).unref();
