import Foundation

/// The one factor every test-side real-time limit is multiplied by: client connect, read and request timeouts,
/// retry budgets, waits for a server or a child process. Under a sanitizer everything runs several times slower
/// (ThreadSanitizer 5-15 times), and a shared machine slower still, so a limit sized for a normal run fires without
/// anything being wrong. `fuzz/sanitize.sh` sets `IMMPORT_TEST_TIME_SCALE` for its runs.
///
/// Only slack is scaled. A limit a test asserts to fire stays what it is, or is scaled together with what it must
/// beat (a `.slow` answer stays longer than the read timeout that is to give up on it). Product defaults never read
/// this; `ChildProcess` does not pass `IMMPORT_*` variables to the CLI processes tests start.
public enum TestTimeScale {
    public static let variable = "IMMPORT_TEST_TIME_SCALE"

    /// `IMMPORT_TEST_TIME_SCALE`, 1 when unset. A value that is not a number of at least 1 stops the test run,
    /// naming the variable: a typo must not quietly run the suite with the limits it was meant to lift.
    public static let factor: Double = {
        guard let text = ProcessInfo.processInfo.environment[variable] else { return 1 }
        guard let value = parse(text) else { fatalError("\(variable)=\(text): expected a number of at least 1 (a multiplier of the tests' time limits)") }
        return value
    }()

    /// The factor a value of the variable stands for, or nil when it is not a finite number of at least 1.
    public static func parse(_ text: String) -> Double? {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 1 else { return nil }
        return value
    }

    /// `seconds` times the factor.
    public static func seconds(_ seconds: Double) -> Double { seconds * factor }
}
