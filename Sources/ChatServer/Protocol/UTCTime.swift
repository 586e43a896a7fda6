import Foundation
import NIOCore

/// A date's calendar fields in UTC, computed directly: the server writes a date for every message it
/// stores and sends, and Foundation's formatters (ICU underneath) cost more than the rest of the
/// message's encoding.
struct UTCTime {
    var year: Int64
    var month: Int64
    var day: Int64
    var hour: Int64
    var minute: Int64
    var second: Int64
    var millisecond: Int64

    /// The date's fields, to the millisecond: rounded down, as `JSONEncoder` drops a fraction, or to
    /// the nearest, as `DateFormatter` does (a date kept to the millisecond is not exactly one in
    /// binary, and rounding down could take a millisecond off it).
    init(_ date: Date, milliseconds rule: FloatingPointRoundingRule = .down) {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(rule))
        let (days, millisecondOfDay) = Self.floorDivision(milliseconds, 86_400_000)
        (year, month, day) = Self.civilDate(daysSince1970: days)
        hour = millisecondOfDay / 3_600_000
        minute = millisecondOfDay / 60_000 % 60
        second = millisecondOfDay / 1000 % 60
        millisecond = millisecondOfDay % 1000
    }

    /// `2026-11-30T17:04:05Z`: whole seconds, as `JSONEncoder`'s `.iso8601` writes a date; digit by
    /// digit, since it is written into every message a server sends.
    func writeISO8601(into buffer: inout ByteBuffer) {
        Self.write(year, digits: 4, then: "-", into: &buffer)
        Self.write(month, digits: 2, then: "-", into: &buffer)
        Self.write(day, digits: 2, then: "T", into: &buffer)
        Self.write(hour, digits: 2, then: ":", into: &buffer)
        Self.write(minute, digits: 2, then: ":", into: &buffer)
        Self.write(second, digits: 2, then: "Z", into: &buffer)
    }

    private static func write(_ value: Int64, digits: Int, then separator: Unicode.Scalar, into buffer: inout ByteBuffer) {
        var divisor: Int64 = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
        buffer.writeInteger(UInt8(ascii: separator))
    }

    /// `2026-11-30 17:04:05.123`: as GRDB stores a date in SQLite (make it with milliseconds rounded
    /// to the nearest).
    var databaseText: String {
        "\(digits(year, 4))-\(digits(month, 2))-\(digits(day, 2)) \(digits(hour, 2)):\(digits(minute, 2)):\(digits(second, 2)).\(digits(millisecond, 3))"
    }

    private func digits(_ value: Int64, _ count: Int) -> String {
        let text = String(value)
        return text.count >= count ? text : String(repeating: "0", count: count - text.count) + text
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`, http://howardhinnant.github.io/date_algorithms.html).
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
