import FHIRModel
import Foundation

/// One self-contained HTML file: no external script, font, style or request. The header, a bar per link showing its
/// statuses, the summary table, and the findings table (sorted by clicking a column head, filtered by a text box
/// and by status), readable on a laptop and in print. The findings are written as table rows, not as a script's
/// data, so the file reads without JavaScript too.
final class HTMLReportWriter: ReportWriter {
    let file: AtomicFileWriter
    var header: ReportHeader?
    var rows: [UInt8] = []
    var count = 0

    init(file: AtomicFileWriter) { self.file = file }

    func begin(_ header: ReportHeader) throws { self.header = header }

    func write(_ finding: Finding) throws {
        let cells: [String?] = [
            finding.study, finding.status.rawValue, finding.severity.rawValue, finding.link, finding.field,
            [finding.resourceType, finding.fhirId].compactMap { $0 }.joined(separator: "/"), finding.accession,
            finding.fhirValue, finding.sharedDataValue, finding.comparison, finding.reason, finding.rule,
        ]
        var row = "<tr class=\"s-\(finding.status.rawValue) v-\(finding.severity.rawValue)\">"
        for cell in cells { row += "<td>\(Self.escape(cell ?? ""))</td>" }
        rows.append(contentsOf: Array((row + "</tr>\n").utf8))
        count += 1
    }

    func finish(_ summary: ReconcileSummary) throws {
        guard let header else { return }
        let statuses = Finding.Status.allCases
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Reconciliation report: \(Self.escape(header.studies.joined(separator: ", ")))</title>
            <style>\(Self.style)</style></head><body>
            <h1>Reconciliation report: \(Self.escape(header.studies.joined(separator: ", ")))</h1>
            <dl class="header"><dt>Tool</dt><dd>\(Self.escape(header.tool))</dd><dt>Generated</dt><dd>\(Self.escape(header.generated))</dd>
            <dt>FHIR</dt><dd>\(Self.escape(header.fhirSource))</dd><dt>Shared Data</dt><dd>\(Self.escape(header.sharedDataSource))</dd>
            <dt>Mapping</dt><dd>\(Self.escape(header.mapping))<ul>
            """
        for mappingFile in header.mappingFiles {
            html += "<li><code>\(Self.escape(mappingFile.path))</code> sha256 <code>\(mappingFile.sha256)</code></li>"
        }
        html += "</ul></dd></dl>\n"
        for study in Set(summary.rows.keys.map(\.study)).sorted() {
            html += "<h2>\(Self.escape(study))</h2>\n<div class=\"chart\" role=\"img\" aria-label=\"statuses per link\">\n"
            var perLink: [String: [Finding.Status: Int]] = [:]
            var order: [String] = []
            for key in summary.sortedKeys where key.study == study {
                if perLink[key.link] == nil { order.append(key.link) }
                for (status, n) in summary.rows[key]!.counts { perLink[key.link, default: [:]][status, default: 0] += n }
            }
            for link in order {
                let counts = perLink[link] ?? [:]
                let total = max(1, counts.values.reduce(0, +))
                html += "<div class=\"bar\"><span class=\"label\">\(Self.escape(link))</span><span class=\"track\">"
                for status in statuses {
                    guard let n = counts[status], n > 0 else { continue }
                    let width = String(format: "%.2f", Double(n) * 100 / Double(total))
                    html += "<span class=\"seg s-\(status.rawValue)\" style=\"width:\(width)%\" title=\"\(status.rawValue): \(n)\"></span>"
                }
                html += "</span></div>\n"
            }
            html += "</div>\n<table class=\"summary\"><thead><tr><th>link</th><th>field</th><th>resource</th><th>severity</th>"
            for status in statuses { html += "<th>\(status.rawValue)</th>" }
            html += "<th>total</th></tr></thead><tbody>\n"
            for key in summary.sortedKeys where key.study == study {
                let row = summary.rows[key]!
                html += "<tr><td>\(Self.escape(key.link))</td><td>\(Self.escape(key.field ?? "(entity)"))</td><td>\(row.resourceType)</td><td>\(row.severity.rawValue)</td>"
                for status in statuses {
                    let n = row.counts[status] ?? 0
                    html += n == 0 ? "<td class=\"n\">0</td>" : "<td class=\"n\">\(n) <small>(\(String(format: "%.0f", row.percentage(status)))%)</small></td>"
                }
                html += "<td class=\"n\">\(row.total)</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        html += "<h2>Findings (\(count))</h2>\n<p class=\"controls\"><label>Filter <input id=\"filter\" type=\"search\" placeholder=\"text in any column\"></label> "
        html += "<label>Status <select id=\"status\"><option value=\"\">all</option>"
        for status in statuses { html += "<option>\(status.rawValue)</option>" }
        html += "</select></label> <span id=\"shown\"></span></p>\n<table id=\"findings\"><thead><tr>"
        for name in ["study", "status", "severity", "link", "field", "resource", "accession", "FHIR value", "Shared Data value", "comparison", "reason", "rule"] {
            html += "<th>\(name)</th>"
        }
        html += "</tr></thead><tbody>\n"
        try file.write(html)
        try file.write(rows)
        try file.write("</tbody></table>\n<script>\(Self.script)</script>\n</body></html>\n")
        try file.commit()
    }

    static func escape(_ text: String) -> String { HTMLText.escaped(text) }

    static let style = """
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem;color:#1b1f24}
        h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:1.6rem}
        dl.header{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
        table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:left;vertical-align:top}
        th{background:#f6f8fa;position:sticky;top:0;cursor:pointer}td.n{text-align:right;white-space:nowrap}
        #findings td{max-width:22rem;overflow-wrap:anywhere}
        .chart{max-width:48rem}.bar{display:flex;align-items:center;margin:.15rem 0}.label{width:9rem;font-size:.85rem}
        .track{display:flex;flex:1;height:.9rem;background:#eee}.seg{display:block;height:100%}
        .seg.s-matched{background:#2da44e}.seg.s-mismatched{background:#cf222e}.seg.s-missing-in-fhir,.seg.s-missing-in-shared-data{background:#bf8700}
        .seg.s-not-compared{background:#8c959f}.seg.s-unlinked-fhir,.seg.s-unlinked-shared-data{background:#8250df}.seg.s-duplicate{background:#0969da}
        tr.v-error td:nth-child(3){color:#cf222e;font-weight:600}tr.v-warning td:nth-child(3){color:#9a6700}
        .controls input{min-width:16rem}
        @media print{th{position:static}.controls{display:none}body{margin:0;font-size:10px}#findings td{max-width:none}}
        """

    static let script = """
        (function(){var t=document.getElementById('findings');if(!t)return;var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);
        var f=document.getElementById('filter'),s=document.getElementById('status'),shown=document.getElementById('shown');
        function apply(){var q=f.value.toLowerCase(),st=s.value,n=0;rows.forEach(function(r){var ok=(!st||r.cells[1].textContent===st)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);r.style.display=ok?'':'none';if(ok)n++;});shown.textContent=n+' of '+rows.length+' shown';}
        f.addEventListener('input',apply);s.addEventListener('change',apply);
        Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){var asc=true;th.addEventListener('click',function(){rows.sort(function(a,c){var x=a.cells[i].textContent,y=c.cells[i].textContent;return asc?x.localeCompare(y,undefined,{numeric:true}):y.localeCompare(x,undefined,{numeric:true});});asc=!asc;rows.forEach(function(r){b.appendChild(r);});});});
        apply();})();
        """
}
