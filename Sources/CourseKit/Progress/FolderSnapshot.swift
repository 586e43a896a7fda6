import Foundation

/// The files in a folder with their sizes and modification times: two snapshots differ when a file
/// was saved, added or removed in between.
///
/// `course watch` compares snapshots twice a second rather than asking the kernel for events: polling
/// sees every editor's saves (some write a new file and rename it over the old), on every file system.
public struct FolderSnapshot: Sendable, Equatable {
    struct Stamp: Sendable, Equatable {
        let size: Int
        let modified: Date
    }

    private let stamps: [String: Stamp]

    /// Takes a snapshot of a folder relative to the course root, and of everything under it.
    public init(of folder: String, in root: CourseRoot) {
        let base = URL(fileURLWithPath: root.path(folder))
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey]
        var stamps: [String: Stamp] = [:]
        let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: keys)
        while let file = files?.nextObject() as? URL {
            guard let values = try? file.resourceValues(forKeys: Set(keys)), values.isRegularFile == true else { continue }
            stamps[file.path] = Stamp(size: values.fileSize ?? 0, modified: values.contentModificationDate ?? .distantPast)
        }
        self.stamps = stamps
    }
}
