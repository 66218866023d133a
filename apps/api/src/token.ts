import { ConfigError, DevelopmentIssuer, loadConfig, requireAuth } from '@orderly/host';
import { TOKEN_USAGE, tokenRequestFrom, TokenUsageError } from './identity/token-command.js';

/**
 * `npm run -s token -- --email ada@example.com [...]`: an access token from the development
 * issuer of the embedded setup, on stdout and nothing else (messages go to stderr), so that
 * `TOKEN=$(npm run -s token -- --email ada@example.com)` works.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.error(TOKEN_USAGE);
    return 0;
  }
  const config = loadConfig();
  const auth = requireAuth(config.auth);
  if (auth.kind === 'jwks') {
    console.error(`This API accepts tokens from ${auth.issuer} (AUTH_ISSUER), not from the development issuer: get one from that identity provider.`);
    return 1;
  }
  const request = tokenRequestFrom(args);
  const issuer = await DevelopmentIssuer.open(config.dataDir);
  process.stdout.write(`${await issuer.mint(request)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof TokenUsageError) console.error(`${error.message}\n\n${TOKEN_USAGE}`);
    else if (error instanceof ConfigError) console.error(error.message);
    else console.error('token failed:', error);
    process.exit(error instanceof TokenUsageError ? 2 : 1);
  },
);
