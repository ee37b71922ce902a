import Testing
import FHIRPath

@Suite struct FHIRPathSmokeTests {
    @Test func moduleLinks() { #expect(Bool(true)) }
}
