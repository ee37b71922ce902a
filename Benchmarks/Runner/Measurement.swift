import FHIRModel

/// One figure: a throughput (bytes over the best wall-clock run), a check's outcome, or memory.
struct Measurement {
    var name: String
    var file: String?
    /// Bytes processed per run (input for parsing, output for writing).
    var bytes: Int = 0
    /// Documents processed per run.
    var documents: Int = 0
    /// Wall-clock seconds of every run, in order.
    var runSeconds: [Double] = []
    /// CPU seconds of every run, in order.
    var runCPUSeconds: [Double] = []
    /// Peak resident set size of the process (VmHWM), when measured.
    var peakRSSBytes: Int?
    /// Extra facts (`mismatches`, `first mismatch`, ...), printed as they are.
    var notes: [(String, String)] = []
    var failed = false

    init(name: String, file: String? = nil) {
        self.name = name
        self.file = file
    }

    var bestSeconds: Double? { runSeconds.min() }
    var medianSeconds: Double? {
        guard !runSeconds.isEmpty else { return nil }
        return runSeconds.sorted()[runSeconds.count / 2]
    }

    /// Megabytes (10^6 bytes) per second of the best run.
    var megabytesPerSecond: Double? {
        guard let best = bestSeconds, best > 0, bytes > 0 else { return nil }
        return Double(bytes) / 1e6 / best
    }

    /// Megabytes per second of CPU time in the run with the least CPU time.
    var cpuMegabytesPerSecond: Double? {
        guard let best = runCPUSeconds.min(), best > 0, bytes > 0 else { return nil }
        return Double(bytes) / 1e6 / best
    }

    mutating func record(_ times: (wall: [Double], cpu: [Double])) {
        runSeconds = times.wall
        runCPUSeconds = times.cpu
    }

    var text: String {
        var parts = [name]
        if let file { parts.append(file) }
        if bytes > 0 { parts.append("\(Format.fixed(Double(bytes) / 1e6, 1)) MB") }
        if documents > 0 { parts.append("\(documents) docs") }
        if let mbs = megabytesPerSecond { parts.append("\(Format.fixed(mbs, 1)) MB/s") }
        if let cpu = cpuMegabytesPerSecond { parts.append("(CPU time: \(Format.fixed(cpu, 1)) MB/s)") }
        if let best = bestSeconds, let median = medianSeconds {
            parts.append(
                "best \(Format.fixed(best * 1000, 1)) ms, median \(Format.fixed(median * 1000, 1)) ms of \(runSeconds.count)")
        }
        if let peak = peakRSSBytes { parts.append("peak RSS \(Format.fixed(Double(peak) / 1e6, 1)) MB") }
        for (key, value) in notes { parts.append("\(key): \(value)") }
        if failed { parts.append("FAILED") }
        return parts.joined(separator: "  ")
    }

    /// One JSON object per line, for scripts.
    var jsonLine: String {
        var o = FHIRObject()
        o["benchmark"] = .string(name)
        if let file { o["file"] = .string(file) }
        o["bytes"] = .number(FHIRNumber(bytes))
        o["documents"] = .number(FHIRNumber(documents))
        if let mbs = megabytesPerSecond { o["mb_per_s"] = Format.number(mbs) }
        if let best = bestSeconds { o["best_s"] = Format.number(best) }
        if let median = medianSeconds { o["median_s"] = Format.number(median) }
        o["runs_s"] = .array(runSeconds.map(Format.number))
        if let cpu = cpuMegabytesPerSecond { o["cpu_mb_per_s"] = Format.number(cpu) }
        if let best = runCPUSeconds.min() { o["best_cpu_s"] = Format.number(best) }
        if let peak = peakRSSBytes { o["peak_rss_bytes"] = .number(FHIRNumber(peak)) }
        for (key, value) in notes { o[key] = .string(value) }
        o["ok"] = .boolean(!failed)
        return FHIRJSONWriter().string(.object(o))
    }
}

enum Format {
    /// `value` with `digits` fraction digits, without Foundation's formatter.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = String(abs(scaled) / Int(scale))
        var fraction = String(abs(scaled) % Int(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        return (scaled < 0 ? "-" : "") + whole + (digits > 0 ? "." + fraction : "")
    }

    static func number(_ value: Double) -> FHIRElement {
        guard value.isFinite else { return .null }
        return .number(FHIRNumber(unchecked: fixed(value, 6)))
    }
}
