import Foundation

/// The page's fixed parts (style sheet, sort script, content security policy) and the escaping
/// every piece of text goes through: case ids, event ids and waiver texts come from logs and
/// files that people and other systems write.
extension HTMLReport {
    /// Text for an element's content or a quoted attribute value. Control characters HTML must
    /// not carry become U+FFFD, so a stray byte in a log cannot break the page.
    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) || (0xFDD0...0xFDEF).contains(u.value) || u.value & 0xFFFE == 0xFFFE {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// A link target only for the web's own schemes. The rule loader already refuses any other
    /// `url`; this keeps a `javascript:` link out of the page should a rule ever be built
    /// another way.
    static func safeURL(_ url: String) -> String? {
        let lower = url.lowercased()
        return lower.hasPrefix("https://") || lower.hasPrefix("http://") ? url : nil
    }

    /// A number for SVG coordinates: at most one decimal, no exponent, the same on every machine.
    static func num(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let a = abs(tenths)
        return a % 10 == 0 ? "\(sign)\(a / 10)" : "\(sign)\(a / 10).\(a % 10)"
    }

    /// `'sha256-…'` for the content security policy: only this exact script and style run.
    static func cspHash(_ text: String) -> String {
        let hex = SHA256.hex(text)
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            bytes.append(UInt8(hex[i..<j], radix: 16) ?? 0)
            i = j
        }
        return "'sha256-\(Data(bytes).base64EncodedString())'"
    }

    /// No network at all: nothing to fetch, no other script or style, no form to post.
    static var contentSecurityPolicy: String {
        "default-src 'none'; style-src \(cspHash(style)); script-src \(cspHash(script)); img-src 'none'; base-uri 'none'; form-action 'none'"
    }

    /// Sorts `table.sortable` by a clicked header: numbers by value, other cells by text, each
    /// cell's `data-sort` first. Without scripts the tables stay in report order. Opens folded
    /// data tables for printing. Marks `<body>` with `data-sort-ready` once it has run, for the
    /// browser check.
    static let script = """
        (function () {
          "use strict";
          function key(row, i) {
            var c = row.cells[i];
            if (!c) return "";
            var k = c.getAttribute("data-sort");
            return k === null ? c.textContent.trim() : k;
          }
          function compare(a, b) {
            if (a !== "" && b !== "" && !isNaN(a) && !isNaN(b)) return Number(a) - Number(b);
            if (a === b) return 0;
            if (a === "") return 1;
            if (b === "") return -1;
            return a < b ? -1 : 1;
          }
          Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
            var heads = table.tHead.rows[0].cells;
            Array.prototype.forEach.call(heads, function (th, i) {
              var button = document.createElement("button");
              button.type = "button";
              button.className = "sort";
              while (th.firstChild) button.appendChild(th.firstChild);
              th.appendChild(button);
              button.addEventListener("click", function () {
                var ascending = th.getAttribute("aria-sort") !== "ascending";
                Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
                th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (r, s) {
                  var c = compare(key(r, i), key(s, i));
                  return ascending ? c : -c;
                });
                rows.forEach(function (r) { body.appendChild(r); });
              });
            });
          });
          window.addEventListener("beforeprint", function () {
            Array.prototype.forEach.call(document.querySelectorAll("details.data"), function (d) { d.open = true; });
          });
          document.body.setAttribute("data-sort-ready", "yes");
        })();

        """

    /// Dark text on light grounds (contrast 7:1 or more); every status is a word, its colour only
    /// repeats it. Print: no navigation, breaches not split over pages, link targets written out.
    static let style = """
        :root { color-scheme: light; }
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 76rem; padding: 1rem 1.5rem 3rem; }
        h1 { font-size: 1.6rem; margin: 0.5rem 0 0.25rem; }
        h2 { font-size: 1.3rem; border-bottom: 2px solid #1a1a1a; padding-bottom: 0.2rem; margin-top: 2.2rem; }
        h3 { font-size: 1.1rem; margin-top: 1.6rem; }
        h4 { font-size: 1rem; margin: 0 0 0.3rem; }
        a { color: #0b4a8b; }
        a:focus, button:focus { outline: 3px solid #0b4a8b; outline-offset: 2px; }
        .meta, .note { color: #3d3d3d; }
        nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; }
        table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.9rem; }
        caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
        th, td { border: 1px solid #8c8c8c; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
        thead th { background: #ececec; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        .findings { width: 100%; }
        .scroll { overflow-x: auto; }
        .nw { white-space: nowrap; }
        th[aria-sort="ascending"] button::after { content: " \\2191"; }
        th[aria-sort="descending"] button::after { content: " \\2193"; }
        button.sort { font: inherit; font-weight: 700; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; text-align: left; text-decoration: underline dotted; }
        .status { display: inline-block; font-weight: 700; font-size: 0.8rem; letter-spacing: 0.03em; text-transform: uppercase; padding: 0 0.35rem; border: 1px solid currentColor; border-radius: 3px; }
        .s-overdue { color: #8a0010; background: #fde7e9; }
        .s-late { color: #6b3a00; background: #fff0d9; }
        .s-violated { color: #5e1470; background: #f4e6f7; }
        .s-pending { color: #0b4a7d; background: #e4f0fb; }
        .s-met { color: #1e5b2f; background: #e5f4e9; }
        .breach { border: 1px solid #8c8c8c; border-left: 6px solid #1a1a1a; padding: 0.8rem 1rem; margin: 1rem 0; break-inside: avoid; }
        .breach.waived { border-left-style: dashed; }
        .breach dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0.5rem 0; font-size: 0.9rem; }
        .breach dt { font-weight: 600; }
        .breach dd { margin: 0; overflow-wrap: anywhere; }
        figure { margin: 0.6rem 0; }
        figcaption { font-size: 0.85rem; color: #3d3d3d; }
        svg { display: block; width: 100%; max-width: 64rem; height: auto; font-family: inherit; }
        details.data summary { cursor: pointer; color: #0b4a8b; margin: 0.3rem 0; }
        svg text { fill: #1a1a1a; font-size: 11px; }
        svg text.small { font-size: 10px; fill: #3d3d3d; }
        svg .axis { stroke: #1a1a1a; stroke-width: 1; }
        svg .grid { stroke: #c4c4c4; stroke-width: 1; }
        svg .leader { stroke: #8c8c8c; stroke-width: 1; stroke-dasharray: 2 2; }
        svg .allowed { fill: #d9d9d9; stroke: #4d4d4d; }
        svg .over { stroke: #8a0010; stroke-width: 1.5; }
        svg .mark { fill: #1a1a1a; stroke: #1a1a1a; stroke-width: 1.5; }
        svg .mark.open { fill: #fff; }
        svg .deadline { fill: #8a0010; }
        svg .bar { fill: #3d5a80; }
        svg .range { stroke: #3d5a80; stroke-width: 3; }
        svg .dot { fill: #3d5a80; }
        svg .median { fill: #fff; stroke: #1a1a1a; stroke-width: 1.5; }
        @media print {
          body { font-size: 10pt; max-width: none; padding: 0; }
          nav { display: none; }
          h2 { break-after: avoid; }
          button.sort { text-decoration: none; }
          a[href^="http"]::after { content: " <" attr(href) ">"; font-size: 0.8em; overflow-wrap: anywhere; }
          table.findings { font-size: 8pt; }
          .scroll { overflow: visible; }
          tr, figure { break-inside: avoid; }
        }

        """
}
