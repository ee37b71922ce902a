#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The current date and time with the local timezone offset, for `now()`, `today()` and `timeOfDay()`.
enum FHIRPathClock {
    static func now() -> FHIRPathTemporal {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var local = tm()
        localtime_r(&seconds, &local)
        var t = FHIRPathTemporal(kind: .dateTime, precision: .millisecond)
        t.year = Int(local.tm_year) + 1900
        t.month = Int(local.tm_mon) + 1
        t.day = Int(local.tm_mday)
        t.hour = Int(local.tm_hour)
        t.minute = Int(local.tm_min)
        t.second = min(Int(local.tm_sec), 59)
        t.millisecond = Int(spec.tv_nsec / 1_000_000)
        t.fractionDigits = 3
        t.timezoneOffset = Int(local.tm_gmtoff) / 60
        return t
    }
}
