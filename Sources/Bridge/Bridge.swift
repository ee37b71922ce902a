// The Bridge target; see docs/architecture.md.
