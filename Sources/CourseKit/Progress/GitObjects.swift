import Foundation

/// The git object store of the course's clone, for the exercises' pristine files.
///
/// Git keeps every version of a file it was given as a blob named by the SHA-1 of its contents, and a
/// clone holds the blobs of every commit it has; so a blob recorded when the course was written can be
/// read back whatever the learner did since, commits included.
struct GitObjects: Sendable {
    let root: CourseRoot

    /// The blob name of each file's current contents, relative to the course root, in order.
    func blobNames(of paths: [String]) throws -> [String] {
        guard !paths.isEmpty else { return [] }
        let output = try run(["hash-object", "--"] + paths)
        let names = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        guard names.count == paths.count else { throw CourseError.toolFailed("git hash-object named \(names.count) of \(paths.count) files.") }
        return names
    }

    /// The contents of blobs, by name; a blob the clone does not hold is missing from the result.
    func contents(of names: [String]) throws -> [String: Data] {
        guard !names.isEmpty else { return [:] }
        // One process for them all: `--batch` answers each name with "NAME blob SIZE\n", the bytes and
        // "\n", or with "NAME missing\n".
        let output = try run(["cat-file", "--batch"], input: Data(names.map { $0 + "\n" }.joined().utf8))
        var found: [String: Data] = [:]
        var rest = output[...]
        while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
            let header = String(decoding: rest[..<newline], as: UTF8.self).split(separator: " ")
            rest = rest[(newline + 1)...]
            guard header.count == 3, header[1] == "blob", let size = Int(header[2]), rest.count >= size else { continue }
            found[String(header[0])] = Data(rest.prefix(size))
            rest = rest.dropFirst(size + 1)
        }
        return found
    }

    /// Runs git in the course root and returns what it printed.
    ///
    /// - Throws: ``CourseError/toolFailed(_:)`` when git is missing, the folder is not a clone, or git fails.
    private func run(_ arguments: [String], input: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", root.path] + arguments
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        do {
            try process.run()
        } catch {
            throw CourseError.toolFailed("Could not run git: \(error). The pristine exercises are read from the course's git clone.")
        }
        if let input {
            // Written from another thread: git answers as it reads, and a full pipe would stop both.
            let writer = stdin.fileHandleForWriting
            Thread.detachNewThread {
                writer.write(input)
                try? writer.close()
            }
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let said = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw CourseError.toolFailed("git \(arguments.first ?? "") failed in \(root.path): \(said)")
        }
        return data
    }
}
