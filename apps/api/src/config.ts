/**
 * Configuration from environment variables, validated once at start-up. A bad value stops the
 * start with a message naming the variable and what it accepts. README lists every variable.
 */
export interface OrderlyConfig {
  readonly port: number;
  readonly host: string;
  /** Admin connection; when absent an embedded PostgreSQL is started under dataDir. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly embeddedPostgresPort: number;
  readonly databaseRoleSecret: string | null;
  readonly demoData: boolean;
  readonly logLevel: LogLevel;
  readonly reservationTtlMs: number;
  readonly reservationSweepIntervalMs: number;
  readonly idempotencyKeyTtlMs: number;
  readonly relayMaxAttempts: number;
  readonly poolSize: number;
  /** SMTP server for real email (smtp:// or smtps://); null: emails go to the log. */
  readonly smtpUrl: string | null;
}

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';
const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];

export class ConfigError extends Error {
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): OrderlyConfig {
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

  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl) {
    try {
      const url = new URL(databaseUrl);
      if (!['postgres:', 'postgresql:'].includes(url.protocol)) throw new Error();
    } catch {
      problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL (unset: embedded PostgreSQL)');
    }
  }
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl) {
    try {
      const url = new URL(smtpUrl);
      if (!['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname) throw new Error();
    } catch {
      problems.push('SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587 (unset: emails are logged)');
    }
  }
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL="${env.LOG_LEVEL}" must be one of ${LOG_LEVELS.join(', ')} (default info)`);

  const config: OrderlyConfig = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir: env.DATA_DIR || '.data',
    embeddedPostgresPort: int('EMBEDDED_POSTGRES_PORT', 54329, 1, 65535),
    databaseRoleSecret: env.DATABASE_ROLE_SECRET || null,
    demoData: bool('DEMO_DATA', databaseUrl === null),
    logLevel,
    reservationTtlMs: int('RESERVATION_TTL_MS', 300_000, 1_000, 86_400_000),
    reservationSweepIntervalMs: int('RESERVATION_SWEEP_INTERVAL_MS', 10_000, 100, 3_600_000),
    idempotencyKeyTtlMs: int('IDEMPOTENCY_KEY_TTL_MS', 86_400_000, 1_000, 30 * 86_400_000),
    relayMaxAttempts: int('RELAY_MAX_ATTEMPTS', 20, 1, 1_000),
    poolSize: int('DATABASE_POOL_SIZE', 10, 1, 100),
    smtpUrl,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
