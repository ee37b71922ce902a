// The FHIRPath target; see docs/architecture.md.
