import FHIRModel
import Testing
import TestSupport

/// `DirectoryListing` reads each entry's name in place. It used to copy the whole 256-byte `d_name` out of every
/// entry, which reads past readdir's buffer for its last entry (found by the AddressSanitizer run of the suite);
/// this listing of many names of every length is what that run replays.
@Suite struct DirectoryListingTests {
    @Test func listsEveryNameOfEveryLengthExactlyAndSorted() throws {
        let folder = try TemporaryDirectory()
        var expected: [String] = []
        for length in [1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 200, 250, 255] {
            let name = String(repeating: "n", count: length - 1) + "x"
            try folder.file(name, "")
            expected.append(name)
        }
        try folder.file(".hidden", "")
        try folder.file("a.json", "")
        #expect(DirectoryListing.names(in: folder.path) == (expected + ["a.json"]).sorted())
        #expect(DirectoryListing.names(in: folder.path, withSuffix: ".json") == ["a.json"])
        #expect(DirectoryListing.names(in: folder.path + "/missing") == nil)
    }
}
