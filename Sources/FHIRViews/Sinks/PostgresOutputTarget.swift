import FHIRModel
import PostgresNIO

/// PostgreSQL tables, one per view, loaded with `COPY ... FROM STDIN` inside one transaction: the tables are
/// (re)created and filled together, and a failure rolls every one of them back.
///
/// Rows are first staged in COPY text format in anonymous spool files while the input is read (so memory stays
/// flat and one pass over the input can feed many tables), then streamed to the server.
public struct PostgresOutputTarget: ViewOutputTarget {
    public var settings: PostgresSettings
    /// Drop an existing table of the same name (inside the transaction) instead of failing.
    public var replaceExisting: Bool

    public init(settings: PostgresSettings, replaceExisting: Bool = true) {
        self.settings = settings
        self.replaceExisting = replaceExisting
    }

    public func withSinks(for tables: [ViewTable], _ body: ([any ViewRowSink]) throws -> Void) async throws {
        let sinks = try tables.map { try PostgresCopySink(table: $0) }
        try body(sinks)
        try await load(sinks)
    }

    func load(_ sinks: [PostgresCopySink]) async throws {
        let logger = Logger(label: "immport-bridge.postgres")
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try settings.configuration(), id: 1, logger: logger)
        } catch {
            throw ViewOutputError(path: settings.description, message: "cannot connect: \(String(reflecting: error))")
        }
        do {
            try await connection.query("BEGIN", logger: logger)
            for sink in sinks {
                let table = sink.table
                if replaceExisting {
                    try await connection.query(
                        PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(quoteIdentifier(table.name))"), logger: logger)
                }
                try await connection.query(PostgresQuery(unsafeSQL: Self.createTableSQL(table)), logger: logger)
                try await connection.copyFrom(table: table.name, columns: table.columnNames, logger: logger) { writer in
                    try await sink.spool.readChunks { chunk in
                        try await writer.write(ByteBuffer(bytes: chunk))
                    }
                }
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            try? await connection.close()
            throw ViewOutputError(path: settings.description, message: Self.describe(error))
        }
        try await connection.close()
    }

    static func createTableSQL(_ table: ViewTable) -> String {
        let columns = zip(table.columnNames, table.kinds).map { "\(quoteIdentifier($0)) \($1.postgresType)" }
        return "CREATE TABLE \(quoteIdentifier(table.name)) (\(columns.joined(separator: ", ")))"
    }

    static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] {
                let detail = psql.serverInfo?[.detail].map { " (\($0))" } ?? ""
                let context = psql.serverInfo?[.locationContext].map { "; \($0)" } ?? ""
                return "PostgreSQL: \(message)\(detail)\(context)"
            }
            return "PostgreSQL: \(String(reflecting: psql))"
        }
        return String(describing: error)
    }
}

/// Encodes rows in COPY's text format: tab-separated, `\N` for null, backslash escapes, JSON for arrays/objects.
final class PostgresCopySink: ViewRowSink {
    let table: ViewTable
    let spool: SpoolFile
    var scratch: [UInt8] = []

    init(table: ViewTable) throws {
        self.table = table
        spool = try SpoolFile()
    }

    func write(_ row: [FHIRElement]) throws {
        try spool.append { out in
            for (index, value) in row.enumerated() {
                if index > 0 { out.append(0x09) }
                switch value {
                case .null: out.append(contentsOf: [0x5C, UInt8(ascii: "N")])
                case .number(let number): out.append(contentsOf: number.text.utf8)
                case .boolean(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
                default:
                    self.scratch.removeAll(keepingCapacity: true)
                    ViewValueText.append(value, into: &self.scratch)
                    TSVEscaping.append(self.scratch, into: &out)
                }
            }
            out.append(0x0A)
        }
    }
}
