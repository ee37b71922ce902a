import FHIRModel
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One SQLite database file with one table per view. Tables are created and filled in a single transaction in a
/// temporary file beside the target, renamed into place only after the commit: a failed run leaves the previous
/// file (or none) untouched, never a half-filled table.
public struct SQLiteOutputTarget: ViewOutputTarget {
    public var path: String
    public init(path: String) { self.path = path }

    public func withSinks(for tables: [ViewTable], _ body: ([any ViewRowSink]) throws -> Void) async throws {
        try run(tables, body)
    }

    func run(_ tables: [ViewTable], _ body: ([any ViewRowSink]) throws -> Void) throws {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var published = false
        defer {
            if !published {
                for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
            }
        }
        do {
            var configuration = Configuration()
            configuration.journalMode = .default
            configuration.prepareDatabase { db in
                // The whole file is discarded on failure, so a crash-safe journal on disk buys nothing.
                try db.execute(sql: "PRAGMA journal_mode = MEMORY")
                try db.execute(sql: "PRAGMA synchronous = OFF")
            }
            let queue = try DatabaseQueue(path: temporary, configuration: configuration)
            try queue.inTransaction { db in
                var sinks: [any ViewRowSink] = []
                for table in tables {
                    try db.execute(sql: SQLiteRowSink.createTableSQL(table))
                    sinks.append(try SQLiteRowSink(db: db, table: table))
                }
                try body(sinks)
                return .commit
            }
            try queue.close()
        } catch let error as DatabaseError {
            throw ViewOutputError(path: path, message: "SQLite: \(error.message ?? error.description)")
        }
        if rename(temporary, path) != 0 {
            throw FileIOError(path: path, operation: "rename into place", code: errno)
        }
        published = true
    }
}

/// Inserts rows with one prepared statement, binding each value with the type its column declares.
final class SQLiteRowSink: ViewRowSink {
    let statement: Statement
    let kinds: [ViewColumnKind]
    var arguments: [DatabaseValue]

    init(db: Database, table: ViewTable) throws {
        let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
        let names = table.columnNames.map(quoteIdentifier).joined(separator: ", ")
        statement = try db.makeStatement(sql: "INSERT INTO \(quoteIdentifier(table.name)) (\(names)) VALUES (\(placeholders))")
        kinds = table.kinds
        arguments = Array(repeating: .null, count: table.columns.count)
    }

    static func createTableSQL(_ table: ViewTable) -> String {
        let columns = zip(table.columnNames, table.kinds).map { name, kind in
            kind.sqliteType.isEmpty ? quoteIdentifier(name) : "\(quoteIdentifier(name)) \(kind.sqliteType)"
        }
        return "CREATE TABLE \(quoteIdentifier(table.name)) (\(columns.joined(separator: ", ")))"
    }

    func write(_ row: [FHIRElement]) throws {
        for (index, value) in row.enumerated() {
            arguments[index] = Self.databaseValue(value, kind: kinds[index])
        }
        statement.setUncheckedArguments(StatementArguments(arguments))
        try statement.execute()
    }

    static func databaseValue(_ value: FHIRElement, kind: ViewColumnKind) -> DatabaseValue {
        switch value {
        case .null: return .null
        case .boolean(let flag): return (flag ? 1 as Int64 : 0).databaseValue
        case .number(let number):
            if kind != .decimal, number.isInteger, let integer = Int64(number.text) { return integer.databaseValue }
            return number.doubleValue.databaseValue
        case .string(let text): return text.databaseValue
        case .array, .object: return ViewValueText.string(value).databaseValue
        }
    }
}

/// Double-quotes an SQL identifier. View and column names are already checked against `^[A-Za-z][A-Za-z0-9_]*$`;
/// quoting keeps reserved words such as `group` or `order` usable.
func quoteIdentifier(_ name: String) -> String {
    var quoted = "\""
    for character in name {
        if character == "\"" { quoted.append("\"") }
        quoted.append(character)
    }
    quoted.append("\"")
    return quoted
}

/// A failure of an output target that is not a plain file error (database errors, connection problems).
public struct ViewOutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}
