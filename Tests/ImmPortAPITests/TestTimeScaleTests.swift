import ImmPortAPI
import TestSupport
import Testing

/// The factor the loopback tests' limits are multiplied by under sanitizers (fuzz/sanitize.sh sets it).
struct TestTimeScaleTests {
    @Test func onlyFiniteNumbersOfAtLeastOneAreFactors() {
        #expect(TestTimeScale.parse("10") == 10)
        #expect(TestTimeScale.parse(" 2.5 ") == 2.5)
        #expect(TestTimeScale.parse("1") == 1)
        for refused in ["0.5", "0", "-3", "ten", "", "inf", "nan"] {
            #expect(TestTimeScale.parse(refused) == nil, "\(refused) was taken as a factor")
        }
    }

    /// The harness's slack grows with the factor, and the `.slow` fault still outlasts the impatient read timeout
    /// that is to give up on it (and the request timeout does not cut the slow answer's retry short).
    @Test func theHarnessLimitsAreScaledTogether() {
        let factor = TestTimeScale.factor
        #expect(Harness.patientReadTimeout == 10 * factor)
        #expect(Harness.requestTimeout == 10 * factor)
        #expect(Harness.fastRetry.maxTotalSeconds == 120 * factor)
        #expect(Harness.slowFaultSeconds > Harness.impatientReadTimeout)
        #expect(Harness.impatientReadTimeout < Harness.requestTimeout)
    }
}
