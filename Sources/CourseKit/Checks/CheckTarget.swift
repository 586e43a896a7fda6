import Foundation

/// Whose code a lesson's suite checks: the learner's exercise or the reference solution.
///
/// Both are compiled into every test build, and the suite picks one when it runs, so switching costs
/// no rebuild. The plain test command checks the solutions; `course check N` sets
/// ``environmentVariable`` to `exercise`.
public enum CheckTarget: String, Sendable {
    case exercise
    case solution

    /// The environment variable a suite reads: `exercise` or `solution` (the default).
    public static let environmentVariable = "COURSE_CHECK"

    /// The target named by the environment of this process.
    public static var current: CheckTarget {
        ProcessInfo.processInfo.environment[environmentVariable].flatMap(CheckTarget.init(rawValue:)) ?? .solution
    }
}
