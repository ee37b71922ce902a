/// The generated definition tables (one text table per release, in `Generated/`), written by
/// `Sources/FHIRModel/Definitions/Generator/generate-definitions.py` from the official StructureDefinitions. docs/definitions.md describes the format.
///
/// They are string literals rather than array literals because Swift's type checker is slow on huge collection
/// literals; `FHIRDefinitions` parses a table once, the first time its release is used.
enum FHIRDefinitionTables {}
