import FHIRModel
import Foundation
import Testing
import TestSupport

/// The HTML reconciliation report opened in real headless Chromium (Debian's `chromium`; `.ci/run` installs it):
/// no console error, no request for anything but the file itself, and a screenshot a person can look at
/// (docs/reports.md shows it). The report declares a Content-Security-Policy of `default-src 'none'`, so a request
/// for anything would be refused and logged as a console error, which fails the test. Chromium itself is kept off
/// the network: every host name resolves to nothing (`--host-resolver-rules`), so its own background requests
/// (updates, accounts) never leave the machine, and any that tried would go to a proxy on loopback port 9, where
/// nothing listens.
@Suite struct HTMLReportInChromiumTests {
    static let root = SharedData.packageRoot
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func opensWithoutErrorsOrRequestsAndScreenshots() async throws {
        guard let chromium = Self.chromium else {
            if SharedData.isCI { Issue.record("chromium is missing under CI (.ci/run installs Debian's chromium)") }
            return
        }
        try await CLIHarness.with { h in
            let report = h.path("report.html")
            let run = try await h.run(["reconcile", "SDY99901", "SDY99903", "--from", Self.root + "/Fixtures",
                "--mapping", Self.root + "/Mappings/immport.yaml", "--include-matched", "--report", report, "--fail-on", "none"])
            #expect(run.status == 0, "\(run.standardError)")
            let screenshot = h.path("report.png")
            let common = [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=\(h.path("profile"))", "--enable-logging=stderr", "--v=0",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--no-pings", "--disable-domain-reliability",
                "--disable-client-side-phishing-detection", "--disable-default-apps", "--disable-breakpad",
                "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
            ]
            let dom = try await ChildProcess.run(chromium, common + ["--dump-dom", "file://\(report)"])
            #expect(dom.status == 0, "\(dom.standardError.suffix(2000))")
            // The script ran: it wrote how many rows are shown.
            #expect(dom.standardOutputText.contains(" shown</span>"), "the page's script did not run")
            let consoleErrors = dom.standardError.split(separator: "\n").filter {
                $0.contains("CONSOLE") && ($0.contains("ERROR") || $0.contains("Uncaught") || $0.contains("Content Security Policy"))
            }
            #expect(consoleErrors.isEmpty, "\(consoleErrors.prefix(5))")
            #expect(dom.standardOutputText.contains("Content-Security-Policy"), "the report declares no CSP")
            let shot = try await ChildProcess.run(chromium, common + ["--screenshot=\(screenshot)", "--window-size=1280,900", "file://\(report)"])
            #expect(shot.status == 0)
            let png = try FileBytes.read(path: screenshot)
            #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "no screenshot")
            if let keep = ProcessInfo.processInfo.environment["IMMPORT_REPORT_SCREENSHOT"] {
                try Data(png).write(to: URL(fileURLWithPath: keep))
            }
        }
    }
}
