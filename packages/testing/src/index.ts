// @orderly/testing: the shared test harness - real PostgreSQL per test file, the app as a child
// process (built once per run), other commands run without blocking, free ports, async probes, an identity provider that signs test tokens.
export { startTestPostgres, type TestPostgres, type TestPostgresOptions } from './test-postgres.js';
export { startAppProcess, type AppProcess, type AppProcessOptions } from './app-process.js';
export { freePort } from './free-port.js';
export { runProcess, type ProcessResult, type RunProcessOptions } from './run-process.js';
export { eventually } from './eventually.js';
export { startTestSmtpServer, type TestSmtpServer, type ReceivedEmail } from './test-smtp-server.js';
export { brokenRule } from './broken-rule.js';
export { ALL_SCOPES, bearer, CUSTOMER_SCOPES, customerSubject, startTestIssuer, type Signing, type TestIssuer, type TokenClaims } from './test-issuer.js';
export { brokerAvailable, startTestNatsServer, type TestNatsServer } from './test-nats-server.js';
export { buildOnce, withBuildLock, type BuildOnceOptions } from './build-once.js';
export { spanAncestry, startTestTraceCollector, type CollectedSpan, type TestTraceCollector } from './test-trace-collector.js';
