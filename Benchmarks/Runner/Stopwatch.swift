#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock timing and the process's memory, read from the kernel.
enum Stopwatch {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// CPU time of the process (all threads): unlike wall-clock time, barely affected by other programs
    /// competing for the cores.
    static func cpuNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Runs `body` `runs` times and returns each run's wall-clock seconds.
    static func time(runs: Int, _ body: () throws -> Void) rethrows -> [Double] {
        try times(runs: runs, body).wall
    }

    /// Runs `body` `runs` times and returns each run's wall-clock and CPU seconds.
    static func times(runs: Int, _ body: () throws -> Void) rethrows -> (wall: [Double], cpu: [Double]) {
        var wall: [Double] = []
        var cpu: [Double] = []
        for _ in 0..<runs {
            let start = now()
            let cpuStart = cpuNow()
            try body()
            cpu.append(cpuNow() - cpuStart)
            wall.append(now() - start)
        }
        return (wall, cpu)
    }
}

enum ProcessMemory {
    /// Peak resident set size so far (VmHWM), or nil where /proc is missing.
    static func peakRSSBytes() -> Int? { statusKilobytes("VmHWM:").map { $0 * 1024 } }

    static func currentRSSBytes() -> Int? { statusKilobytes("VmRSS:").map { $0 * 1024 } }

    static func statusKilobytes(_ field: String) -> Int? {
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 8192)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let text = String(decoding: bytes[0..<n], as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            let digits = line.dropFirst(field.count).filter { $0.isNumber }
            return Int(digits)
        }
        return nil
    }
}

/// Keeps the optimiser from discarding work whose result is otherwise unused.
@inline(never) func blackHole<T>(_ value: T) {}
