// The ImmPortAPI target; see docs/architecture.md.
