// The FHIRViews target; see docs/architecture.md.
