import ImmPortAPI

extension ImmPortService {
    /// How a base URL flag's help names its defaults: `(default: $VARIABLE, else URL)`, the same in every command.
    /// `fallback` replaces the URL where the default is derived (DRS: the Shared Data API's host).
    func defaultsHelp(fallback: String? = nil) -> String {
        "(default: $\(environmentVariable), else \(fallback ?? defaultBase))"
    }
}
