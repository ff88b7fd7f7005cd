import ScoringEngine
import ScoringIO

/// The lines every command prints about the rows it read and rejected, in English or Chinese.
public enum RejectLines {
    /// `300 rows read: 295 accepted, 5 rejected (written to r.csv).` / `读取 300 行，接受 295 行，拒绝 5 行（已写入 r.csv）。`
    public static func readLine(rowsRead: Int, accepted: Int, rejected: Int, path: String?, _ language: Language) -> String {
        if language == .zh {
            var text = "读取 \(rowsRead) 行，接受 \(accepted) 行，拒绝 \(rejected) 行"
            if rejected > 0, let path { text += "（已写入 \(path)）" }
            return text + "。"
        }
        var text = "\(rowsRead) rows read: \(accepted) accepted, \(rejected) rejected"
        if rejected > 0, let path { text += " (written to \(path))" }
        return text + "."
    }

    /// `  rejected FILE:LINE: message` for the first `limit` rejects, then `  … and N more`.
    public static func lines(_ rejects: [some RejectedRow], limit: Int, _ language: Language, indent: String = "  ") -> [String] {
        let zh = language == .zh
        var lines = rejects.prefix(limit).map { indent + (zh ? "拒绝 " : "rejected ") + $0.description(language) }
        if rejects.count > limit {
            lines.append(indent + (zh ? "… 另有 \(rejects.count - limit) 行" : "… and \(rejects.count - limit) more"))
        }
        return lines
    }
}
