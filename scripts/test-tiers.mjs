// The test tiers: each is a turbo task (`test:<tier>`) that runs the test files under these
// folders of a package's test/ directory. One table, read by scripts/jest.mjs (what a tier runs)
// and scripts/run-tests.mjs (which results to expect, and that no test file is outside a tier).
export const TEST_TIERS = {
  // No database, no server: pure domain and use cases with fakes, the public entry, architecture.
  unit: ['unit', 'contract', 'architecture'],
  // Real PostgreSQL (a throwaway cluster per test file) or other real processes.
  integration: ['integration'],
  // The real HTTP app in the test's process, on sources (and, in a real browser, its /docs page).
  e2e: ['e2e', 'browser'],
  // The built app (dist/) as operating-system processes: its turbo task waits for the build, so
  // only the files that need it live here and the e2e tier can start with no build.
  processes: ['processes'],
};

/** Test folders that hold helpers (fakes, fixtures) rather than test files. */
export const TEST_SUPPORT_FOLDERS = ['fakes', 'fixtures', 'support'];
