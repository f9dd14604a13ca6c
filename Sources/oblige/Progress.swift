import Foundation
import ObligeCore

#if canImport(Glibc)
    import Glibc
#endif

/// A progress bar on stderr for long audits: bytes read of the total, records per second, time
/// left. Drawn only on a terminal (TERM not dumb) and never with --quiet, so cron mail and CI logs
/// stay clean; redrawn at most ten times a second, and wiped when reading ends.
final class ProgressBar {
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// Nil when progress should not be shown.
    static func make(quiet: Bool) -> ProgressBar? {
        if quiet || isatty(STDERR_FILENO) != 1 { return nil }
        if ProcessInfo.processInfo.environment["TERM"] == "dumb" { return nil }
        return ProgressBar()
    }

    func update(_ p: IngestProgress) {
        let now = Date()
        if p.evaluating {
            let line = "\r\u{1B}[2K\(Self.count(Double(p.records))) records read in \(Self.duration(now.timeIntervalSince(started))); evaluating…"
            FileHandle.standardError.write(Data(line.utf8))
            drawn = true
            return
        }
        guard now.timeIntervalSince(lastDraw) >= 0.1 || p.bytesRead >= p.totalBytes else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let fraction = p.totalBytes > 0 ? min(1, Double(p.bytesRead) / Double(p.totalBytes)) : 1
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = Double(p.records) / elapsed
        let left = fraction > 0 ? elapsed / fraction - elapsed : 0
        let line = String(
            format: "\r%@ %3.0f%%  %@ of %@  %@ records/s  ETA %@ ", bar, fraction * 100, Self.bytes(p.bytesRead), Self.bytes(p.totalBytes),
            Self.count(rate), Self.duration(left))
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// Wipes the bar so what follows starts on a clean line.
    func finish() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n)
        var i = 0
        while v >= 1000, i < units.count - 1 {
            v /= 1000
            i += 1
        }
        return i == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[i])
    }

    static func count(_ v: Double) -> String {
        v >= 1_000_000 ? String(format: "%.1f M", v / 1_000_000) : v >= 1000 ? String(format: "%.0f k", v / 1000) : String(format: "%.0f", v)
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(t % 3600 / 60)m" : t >= 60 ? "\(t / 60)m\(t % 60)s" : "\(t)s"
    }
}
