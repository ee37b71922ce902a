import Testing
import ImmPortAPI

@Suite struct ImmPortAPISmokeTests {
    @Test func moduleLinks() { #expect(Bool(true)) }
}
