#!/usr/bin/env node
// Development helper: prints a signed bearer token. Production tokens come from the identity provider.
import { parseArgs } from 'node:util';
import { mintToken } from '../auth.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'dev-user' },
    scope: {
      type: 'string',
      default:
        'trainings:read trainings:write assistance:read assistance:write partners:read partners:write indicators:read indicators:write reports:read',
    },
    country: { type: 'string', default: 'MA' },
    ttl: { type: 'string', default: '8h' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    'usage: passerelle-token [--sub ID] [--scope "a:b c:d"] [--country MA,TN|*] [--ttl 8h]\nreads JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE from the environment',
  );
  process.exit(0);
}
const secret = process.env.JWT_SECRET;
if (!secret || secret.length < 32) {
  console.error('JWT_SECRET must be set (32 characters or more), the same value the services use');
  process.exit(2);
}
console.log(
  await mintToken({
    subject: values.sub,
    scopes: values.scope.split(/[\s,]+/).filter(Boolean),
    countries: values.country.split(',').map((c) => c.trim()),
    ttl: values.ttl,
    secret,
    issuer: process.env.JWT_ISSUER ?? 'passerelle',
    audience: process.env.JWT_AUDIENCE ?? 'passerelle',
  }),
);
