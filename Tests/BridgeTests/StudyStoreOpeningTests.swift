import Bridge
import Foundation
import Synchronization
import Testing

/// Runs that open one new store at the same moment each get a working store: GRDB's migrator looks for applied
/// migrations before it takes the write lock, so all but the first used to fail on "table resource already exists"
/// (seen as a failed concurrent `pull` under ThreadSanitizer).
@Suite struct StudyStoreOpeningTests {
    @Test func manyOpeningsOfOneNewStoreAtOnceAllSucceed() throws {
        for round in 0..<5 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-open-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let path = folder + "/store.sqlite"
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do { _ = try StudyStore(path: path) } catch { failures.withLock { $0.append("\(error)") } }
            }
            let found = failures.withLock { $0 }
            #expect(found.isEmpty, "round \(round): \(found)")
        }
    }
}
