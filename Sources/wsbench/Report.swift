import Foundation
import Histogram

/// A run's result, as text for a person or JSON for a script.
struct Report: Encodable {
    var mode: String
    var values: [String: Double] = [:]
    var failures: [String: Int] = [:]
    var notes: [String] = []

    /// Adds the percentiles of a histogram of nanoseconds, in microseconds.
    mutating func addPercentiles(_ name: String, _ histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else { return }
        for (label, percentile) in [("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("p99.9", 99.9)] {
            values["\(name) \(label) µs"] = Double(histogram.valueAtPercentile(percentile)) / 1000
        }
        values["\(name) max µs"] = Double(histogram.maxRecorded) / 1000
    }

    func print(asJSON: Bool) {
        if asJSON {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Swift.print(String(decoding: try! encoder.encode(self), as: UTF8.self))
            return
        }
        Swift.print("wsbench \(mode)")
        for key in values.keys.sorted() {
            let value = values[key]!
            let shown = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.2f", value)
            Swift.print("  \(key): \(shown)")
        }
        for (reason, count) in failures.sorted(by: { $0.key < $1.key }) {
            Swift.print("  failed (\(reason)): \(count)")
        }
        for note in notes { Swift.print("  note: \(note)") }
    }
}
