import { DEFAULT_RELAY_OPTIONS, MIN_ROLE_SECRET_LENGTH, redeliveryHorizonMs } from '@orderly/kernel';

/**
 * Configuration from environment variables, validated once at start-up. A bad value stops the
 * start with a message naming the variable and what it accepts. README lists every variable.
 */
export interface OrderlyConfig {
  readonly port: number;
  readonly host: string;
  /**
   * Where the API's database is (host, port, database; no user or password): the API logs in as
   * each module's role. Absent: an embedded PostgreSQL is started under dataDir.
   */
  readonly databaseUrl: string | null;
  /** Admin connection for `npm run db:migrate` only; the API refuses to start holding it. */
  readonly databaseAdminUrl: string | null;
  readonly dataDir: string;
  readonly embeddedPostgresPort: number;
  /** Module roles' passwords derive from it; required with a database URL, else kept under dataDir. */
  readonly databaseRoleSecret: string | null;
  readonly demoData: boolean;
  readonly logLevel: LogLevel;
  readonly reservationTtlMs: number;
  readonly reservationSweepIntervalMs: number;
  readonly idempotencyKeyTtlMs: number;
  readonly relayMaxAttempts: number;
  readonly poolSize: number;
  /** Connections per module for the relay and event handlers, apart from the request pool. */
  readonly handlerPoolSize: number;
  /** How long an event delivered to every subscriber stays in its outbox. */
  readonly outboxRetentionMs: number;
  /** How long a subscriber's inbox remembers an event it handled (at least the redelivery horizon). */
  readonly inboxRetentionMs: number;
  /** SMTP server for real email (smtp:// or smtps://); null: emails go to the log. */
  readonly smtpUrl: string | null;
  /** `json` (one object per line) or `pretty` (human-readable). */
  readonly logFormat: LogFormat;
  /** Largest accepted request body; larger ones are answered 413. */
  readonly bodyLimitBytes: number;
  /** Origins allowed to call the API from a browser; empty: CORS off (no CORS headers at all). */
  readonly corsOrigins: readonly string[] | '*';
  /** How long a graceful shutdown may take before the process gives up and exits 1. */
  readonly shutdownTimeoutMs: number;
  /** After SIGTERM: how long connections are still accepted while /health/ready answers 503. */
  readonly shutdownDrainDelayMs: number;
  /** Who issues the bearer tokens the API accepts (docs/adr/0011). */
  readonly auth: AuthConfig;
  /** The management listener (/metrics, detailed readiness): operators only, loopback by default. */
  readonly managementHost: string;
  readonly managementPort: number;
  /** Writes (POST, PUT, PATCH, DELETE) each subject (or address, when anonymous) may make per window; 0: unlimited. */
  readonly writeRateLimit: { readonly limit: number; readonly windowMs: number };
  /**
   * NATS JetStream (nats://host:port, comma-separated for a cluster). apps/api: set, integration
   * events also go to the broker and modules that run as their own service (notifications) are not
   * composed; unset, every module runs in this process with events delivered in-process.
   * A module's own service requires it.
   */
  readonly eventsBrokerUrl: string | null;
}

/**
 * Defaults that differ between processes, so that they can run side by side on one machine:
 * apps/api listens on 3000 (management 9464), the notifications service on 3001 (management 9465).
 */
export interface ConfigDefaults {
  readonly port: number;
  readonly managementPort: number;
}

/**
 * `jwks`: an identity provider's tokens (Keycloak, Auth0, Entra ID, ...), verified against its
 * JWKS. `development`: the built-in development issuer, its key pair under DATA_DIR, tokens from
 * `npm run token`; the default of the embedded setup, an explicit opt-in (AUTH_DEV_ISSUER) otherwise.
 * `missing`: DATABASE_URL without either - the API refuses to start (requireAuth); operators'
 * commands (migrate, events), which take no tokens, do not mind.
 */
export type AuthConfig =
  | { readonly kind: 'missing' }
  | { readonly kind: 'jwks'; readonly jwksUrl: URL; readonly issuer: string; readonly audience: string; readonly clockToleranceSeconds: number }
  | { readonly kind: 'development'; readonly explicitOptIn: boolean; readonly clockToleranceSeconds: number };

const AUTH_SETTINGS = ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] as const;

export type LogFormat = 'json' | 'pretty';

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';
const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];

/** A start refused for a reason the operator can fix: its message is printed alone, no stack. */
export class StartRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartRefused';
  }
}

export class ConfigError extends StartRefused {
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, defaults: ConfigDefaults = { port: 3000, managementPort: 9464 }): OrderlyConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}="${raw}" must be an integer from ${min} to ${max} (default ${fallback})`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    problems.push(`${name}="${raw}" must be true or false (default ${fallback})`);
    return fallback;
  };

  const duration = (name: string, fallback: string, minMs: number): number => {
    const raw = env[name] || fallback;
    const ms = parseDuration(raw);
    if (ms === null || ms < minMs) {
      problems.push(`${name}="${raw}" must be a duration such as 90s, 30m, 12h or 7d (milliseconds when no unit), at least ${formatDuration(minMs)} (default ${fallback})`);
      return parseDuration(fallback)!;
    }
    return ms;
  };

  const databaseUrl = env.DATABASE_URL || null;
  const databaseAdminUrl = env.DATABASE_ADMIN_URL || null;
  const databaseRoleSecret = env.DATABASE_ROLE_SECRET || null;
  checkDatabaseSettings(databaseUrl, databaseAdminUrl, databaseRoleSecret, problems);
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl) {
    try {
      const url = new URL(smtpUrl);
      if (!['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname) throw new Error();
    } catch {
      problems.push('SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587 (unset: emails are logged)');
    }
  }
  const eventsBrokerUrl = env.EVENTS_BROKER_URL || null;
  if (eventsBrokerUrl) {
    const bad = eventsBrokerUrl.split(',').some((server) => {
      try {
        const url = new URL(server.trim());
        return !['nats:', 'tls:'].includes(url.protocol) || !url.hostname;
      } catch {
        return true;
      }
    });
    if (bad) problems.push(`EVENTS_BROKER_URL="${eventsBrokerUrl}" must be one or more comma-separated nats:// URLs, e.g. nats://127.0.0.1:4222 (unset: events stay in-process)`);
  }
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL="${env.LOG_LEVEL}" must be one of ${LOG_LEVELS.join(', ')} (default info)`);

  const logFormat = (env.LOG_FORMAT || (process.stdout.isTTY ? 'pretty' : 'json')) as LogFormat;
  if (!['json', 'pretty'].includes(logFormat)) {
    problems.push(`LOG_FORMAT="${env.LOG_FORMAT}" must be json or pretty (default: pretty when stdout is a terminal, else json)`);
  }
  const corsOrigins = parseCorsOrigins(env.CORS_ORIGINS, problems);
  const clockToleranceSeconds = int('AUTH_CLOCK_TOLERANCE_SECONDS', 30, 0, 300);
  const auth = parseAuth(env, databaseUrl, bool('AUTH_DEV_ISSUER', false), clockToleranceSeconds, problems);

  const relayMaxAttempts = int('RELAY_MAX_ATTEMPTS', 20, 1, 1_000);
  const config: OrderlyConfig = {
    port: int('PORT', defaults.port, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    databaseAdminUrl,
    dataDir: env.DATA_DIR || '.data',
    embeddedPostgresPort: int('EMBEDDED_POSTGRES_PORT', 54329, 1, 65535),
    databaseRoleSecret,
    demoData: bool('DEMO_DATA', databaseUrl === null),
    logLevel,
    reservationTtlMs: int('RESERVATION_TTL_MS', 300_000, 1_000, 86_400_000),
    reservationSweepIntervalMs: int('RESERVATION_SWEEP_INTERVAL_MS', 10_000, 100, 3_600_000),
    idempotencyKeyTtlMs: int('IDEMPOTENCY_KEY_TTL_MS', 86_400_000, 1_000, 30 * 86_400_000),
    relayMaxAttempts,
    poolSize: int('DATABASE_POOL_SIZE', 10, 1, 100),
    handlerPoolSize: int('EVENT_HANDLER_POOL_SIZE', 2, 1, 50),
    outboxRetentionMs: duration('OUTBOX_RETENTION', '7d', 60_000),
    // A redelivery can come as late as the last retry (or a lapsed lease) after the first attempt:
    // an inbox that forgot the event by then would let its effect happen twice.
    inboxRetentionMs: duration('INBOX_RETENTION', '7d', redeliveryHorizonMs({ ...DEFAULT_RELAY_OPTIONS, maxAttempts: relayMaxAttempts })),
    smtpUrl,
    logFormat,
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 64 * 1024, 1_024, 16 * 1024 * 1024),
    corsOrigins,
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 9_000, 100, 600_000),
    shutdownDrainDelayMs: int('SHUTDOWN_DRAIN_DELAY_MS', 500, 0, 60_000),
    auth,
    managementHost: env.MANAGEMENT_HOST || '127.0.0.1',
    managementPort: int('MANAGEMENT_PORT', defaults.managementPort, 0, 65535),
    writeRateLimit: { limit: int('WRITE_RATE_LIMIT', 100, 0, 1_000_000), windowMs: int('WRITE_RATE_WINDOW_MS', 10_000, 100, 3_600_000) },
    eventsBrokerUrl,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "12h", "7d", "250ms", or a plain number of milliseconds; null when unreadable. */
export function parseDuration(raw: string): number | null {
  const match = /^(\d{1,12})(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) return null;
  return Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
}

function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit]! && ms % UNIT_MS[unit]! === 0) return `${ms / UNIT_MS[unit]!}${unit}`;
  }
  return ms >= 60_000 ? `${Math.ceil(ms / 60_000)}m` : `${ms}ms`;
}

/**
 * DATABASE_URL is where the API connects (as the module roles), DATABASE_ADMIN_URL the admin
 * credential `npm run db:migrate` provisions with, DATABASE_ROLE_SECRET what both derive the module
 * roles' passwords from. Without either URL the embedded PostgreSQL is used and a secret is kept
 * under DATA_DIR.
 */
function checkDatabaseSettings(databaseUrl: string | null, adminUrl: string | null, roleSecret: string | null, problems: string[]): void {
  const parse = (name: string, raw: string): URL | null => {
    try {
      const url = new URL(raw);
      if (['postgres:', 'postgresql:'].includes(url.protocol)) return url;
    } catch {
      /* reported below */
    }
    problems.push(`${name} must be a postgres:// or postgresql:// URL`);
    return null;
  };
  const url = databaseUrl ? parse('DATABASE_URL', databaseUrl) : null;
  if (url && (url.username || url.password)) {
    problems.push(
      'DATABASE_URL must not contain a user or password: the API logs in as each module\'s own role (passwords derived from DATABASE_ROLE_SECRET); ' +
        'the admin URL is for `npm run db:migrate`, as DATABASE_ADMIN_URL',
    );
  }
  if (url && url.pathname.replace(/^\//, '') === '') problems.push('DATABASE_URL must name the database, e.g. postgres://db.example.com:5432/orderly');
  const admin = adminUrl ? parse('DATABASE_ADMIN_URL', adminUrl) : null;
  if (admin && !admin.username) problems.push('DATABASE_ADMIN_URL must name the admin user, e.g. postgres://orderly_admin:<password>@db.example.com:5432/orderly');
  if (roleSecret !== null && roleSecret.length < MIN_ROLE_SECRET_LENGTH) {
    problems.push(`DATABASE_ROLE_SECRET must have at least ${MIN_ROLE_SECRET_LENGTH} characters (it has ${roleSecret.length}); e.g. openssl rand -base64 48`);
  }
  if (roleSecret === null && (databaseUrl || adminUrl)) {
    problems.push(
      `DATABASE_ROLE_SECRET is required with ${databaseUrl ? 'DATABASE_URL' : 'DATABASE_ADMIN_URL'}: at least ${MIN_ROLE_SECRET_LENGTH} characters, ` +
        'the same for `npm run db:migrate` and the API (the module roles\' passwords derive from it); e.g. openssl rand -base64 48',
    );
  }
}

function parseCorsOrigins(raw: string | undefined, problems: string[]): readonly string[] | '*' {
  if (raw === undefined || raw.trim() === '') return [];
  if (raw.trim() === '*') return '*';
  const origins = raw.split(',').map((origin) => origin.trim());
  const bad = origins.filter((origin) => {
    try {
      const url = new URL(origin);
      return !['http:', 'https:'].includes(url.protocol) || url.origin !== origin;
    } catch {
      return true;
    }
  });
  if (bad.length > 0) {
    problems.push(
      `CORS_ORIGINS has ${bad.map((o) => `"${o}"`).join(', ')}: it must be * or a comma-separated list of origins such as https://shop.example.com,http://localhost:5173 (default: unset, CORS off)`,
    );
  }
  return origins;
}

function parseAuth(
  env: NodeJS.ProcessEnv,
  databaseUrl: string | null,
  devIssuerOptIn: boolean,
  clockToleranceSeconds: number,
  problems: string[],
): AuthConfig {
  const given = AUTH_SETTINGS.filter((name) => env[name]);
  if (given.length === 0) {
    if (databaseUrl === null || devIssuerOptIn) return { kind: 'development', explicitOptIn: devIssuerOptIn, clockToleranceSeconds };
    return { kind: 'missing' };
  }
  if (devIssuerOptIn) problems.push(`AUTH_DEV_ISSUER=true contradicts ${given.join(', ')}: set one or the other`);
  const missing = AUTH_SETTINGS.filter((name) => !env[name]);
  if (missing.length > 0) problems.push(`${missing.join(', ')} must be set too: AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE go together`);
  let jwksUrl = new URL('https://invalid.example');
  if (env.AUTH_JWKS_URL) {
    try {
      jwksUrl = new URL(env.AUTH_JWKS_URL);
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(jwksUrl.hostname);
      if (jwksUrl.protocol !== 'https:' && !(jwksUrl.protocol === 'http:' && loopback)) throw new Error();
    } catch {
      problems.push(
        `AUTH_JWKS_URL="${env.AUTH_JWKS_URL}" must be an https:// URL (http:// only on localhost), e.g. https://login.example.com/realms/shop/protocol/openid-connect/certs`,
      );
    }
  }
  return { kind: 'jwks', jwksUrl, issuer: env.AUTH_ISSUER ?? '', audience: env.AUTH_AUDIENCE ?? '', clockToleranceSeconds };
}

/** The API needs to know who issues its tokens; with DATABASE_URL there is no silent default. */
export function requireAuth(auth: AuthConfig): Exclude<AuthConfig, { kind: 'missing' }> {
  if (auth.kind !== 'missing') return auth;
  throw new ConfigError([
    'With DATABASE_URL set, tell the API who issues its access tokens: set AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE ' +
      "to your identity provider's JWKS URL, issuer and audience (docs/adr/0011), or AUTH_DEV_ISSUER=true to accept " +
      'tokens of the built-in development issuer (npm run token; never in production)',
  ]);
}
