/// How ``ReportJSONEncoder`` lays out one object or array of a report's JSON.
///
/// The layouts are those the reports have always written, so that the bytes stay the same:
///
/// ```
/// {                                    ← .lines: one member per line, indented two
///   "schema": "kam.runs/1",               more than the line the container opens on,
///   "runs": [                             closed on a line of its own
///     {"run": 1, "grades": {"A": 3}}   ← .inline: on one line, ", " between members
///   ],
///   "sides": [
///     {"side": "value", "cr": 0.02,    ← .inlineBreaking(before: ["factors"]): inline, but
///      "factors": []}                     a new line, one space deeper than the line the
///   ]                                     object opens on, before each member named
/// }
/// ```
///
/// An empty object or array is `{}` or `[]` in every layout. Keys and values follow `: `.
public enum JSONLayout: Sendable, Equatable {
    /// On one line: `{"a": 1, "b": 2}`, `[1, 2]`.
    case inline
    /// One member or element per line, two spaces deeper than the opening line.
    case lines
    /// One member per line, as `.lines`, except that each member whose key is in `keys`
    /// follows the one before it on its line, after `, ` (arrays: as `.lines`).
    case linesJoining(Set<String>)
    /// On one line, except that each member whose key is in `keys` starts a new line
    /// indented `indent` spaces more than the line the object opened on (arrays: as `.inline`).
    case inlineBreaking(before: Set<String>, indent: Int = 1)
    /// The first element or member after the bracket, each further one on a new line
    /// indented `indent` spaces more than the line the container opened on.
    case inlineBreakingEach(indent: Int)
    /// Every element or member on a new line indented `indent` spaces more than the line the
    /// container opened on, the closing bracket right after the last one.
    case eachOnNewLine(indent: Int)
}

/// A value that chooses its own layout in ``ReportJSONEncoder``; values that do not
/// conform are written ``JSONLayout/inline``.
public protocol JSONLayoutProviding {
    var jsonLayout: JSONLayout { get }
}
