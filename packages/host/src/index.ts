// @orderly/host: what every Orderly process hosts its modules with - configuration, logs, the HTTP
// pipeline (request ids, problem+json errors, validation, limits, CORS), health, metrics and a
// graceful start and stop. apps/api and each module that runs as its own service import it, so
// the processes behave alike and nothing is copied between them.
export { loadConfig, ConfigError, type OrderlyConfig, type LogFormat, type LogLevel, type ConfigDefaults } from './config.js';
export { createLogger, type LoggerSettings } from './logging/create-logger.js';
export { HttpModule } from './http/http.module.js';
export { PROBLEM_CONTENT_TYPE, problemType, type ProblemDetails, type FieldError } from './http/problem-details.js';
export { ObservabilityModule, type ObservabilityOptions } from './observability.module.js';
export { OrderlyMetrics } from './metrics/orderly-metrics.js';
export { startHttpService, runUntilSignalled, type HttpServiceDefinition, type RunningHttpService } from './http-service.js';
