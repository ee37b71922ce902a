import Testing
import FHIRViews

@Suite struct FHIRViewsSmokeTests {
    @Test func moduleLinks() { #expect(Bool(true)) }
}
