// The ImmPortTestServer target; see docs/architecture.md.
