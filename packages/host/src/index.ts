// @orderly/host: what every Orderly process hosts its modules with - configuration, logs, the
// database connections as module roles, identity (bearer tokens, scopes, write rate limit), the
// HTTP pipeline (request ids, problem+json errors, validation, limits, CORS), health, the
// management listener (metrics, detailed readiness) and a graceful start and stop. apps/api and
// each module that runs as its own service import it, so the processes behave alike and nothing
// is copied between them.
export {
  loadConfig,
  requireAuth,
  ConfigError,
  StartRefused,
  type AuthConfig,
  type ConfigDefaults,
  type LogFormat,
  type LogLevel,
  type OrderlyConfig,
} from './config.js';
export {
  attachDatabase,
  connectForOperations,
  embeddedPostgresOptions,
  embeddedRoleSecret,
  migrateDatabase,
  prepareDatabase,
  type PrepareOptions,
  type PreparedDatabase,
} from './database/module-databases.js';
export { createLogger, type LoggerSettings } from './logging/create-logger.js';
export { HttpModule } from './http/http.module.js';
export {
  HTTP_PROBLEMS,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  problemType,
  type FieldError,
  type HttpProblemKind,
  type HttpProblemName,
  type ProblemDetails,
} from './http/problem-details.js';
export { toProblem } from './http/to-problem.js';
export { discoverRoutes, type ClassReference, type DiscoveredRoute } from './http/route-discovery.js';
export { accessGaps, checkAccessDeclared } from './identity/identity-setup.js';
export { CUSTOMER_SCOPES, DevelopmentIssuer, DEVELOPMENT_AUDIENCE, DEVELOPMENT_ISSUER, JWKS_PATH, STAFF_SCOPES, type TokenRequest } from './identity/development-issuer.js';
export { ObservabilityModule, type ObservabilityOptions } from './observability.module.js';
export type { Lifecycle } from './health/readiness.js';
export { OrderlyMetrics } from './metrics/orderly-metrics.js';
export { startHttpService, runUntilSignalled, type HttpServiceDefinition, type Resources, type RunningHttpService } from './http-service.js';
export { moduleOutboxes, runEventsCommand, type EventsCommandIo, type OutboxOperations } from './operations/events-command.js';
export { runEventsProgram } from './operations/events-cli.js';
