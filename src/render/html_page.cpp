#include "render/html_page.hpp"

#include <fmt/format.h>

#include "render/text_escape.hpp"

namespace sc {

namespace {

// Okabe-Ito colours (told apart with colour-blindness too); red is kept for failures.
constexpr std::string_view kCss = R"css(
:root{--bg:#fff;--fg:#1b1b1f;--muted:#5f6368;--line:#d0d4da;--panel:#f5f6f8;
--pass:#1a7f37;--fail:#c62828;--error:#8e24aa;--skip:#9a6700;--na:#6e7781;
--b0:#0072b2;--b1:#e69f00;--b2:#009e73;--b3:#cc79a7;--b4:#56b4e9;--b5:#d9c521;--b6:#8c564b;--b7:#7f7f7f}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e6e6e6;--muted:#a0a4aa;
--line:#3a3f46;--panel:#1f2227;--pass:#3fb950;--fail:#f85149;--error:#d2a8ff;--skip:#d29922}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1100px;padding:1rem;background:var(--bg);color:var(--fg);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.25rem;margin:0 0 .4rem}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
a{color:var(--b0)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
pre{background:var(--panel);padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
section.scenario{border-top:3px solid var(--line);margin-top:2rem;padding-top:1rem}
.banner{padding:.6rem .9rem;border-radius:6px;font-weight:600;color:#fff;margin:.4rem 0}
.banner.pass{background:var(--pass)}.banner.fail{background:var(--fail)}
.banner.error{background:var(--error)}.banner.skipped{background:var(--skip)}
.banner.inconclusive{background:var(--skip)}
.badge{display:inline-block;padding:0 .45rem;border-radius:4px;font-size:.85em;font-weight:600;color:#fff}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}
.badge.error{background:var(--error)}.badge.skipped{background:var(--skip)}.badge.na{background:var(--na)}
.badge.inconclusive{background:var(--skip)}
.causes{border-left:4px solid var(--fail);background:var(--panel);padding:.3rem .9rem;margin:.6rem 0}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.3rem 0}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.fail td{background:rgba(198,40,40,.09)}
.matrix td.pass{background:rgba(26,127,55,.18)}.matrix td.fail{background:rgba(198,40,40,.2)}
.matrix td.error{background:rgba(142,36,170,.2)}.matrix td.skipped{background:rgba(154,103,0,.18)}
.matrix td.inconclusive{background:rgba(154,103,0,.18)}
.muted,figcaption{color:var(--muted);font-size:.9em}
figure{margin:.5rem 0}
svg{height:auto;display:block;max-width:100%}
svg text{fill:var(--fg);font-size:11px;font-family:system-ui,sans-serif}
svg .axis{stroke:var(--muted);stroke-width:1}
svg .grid{stroke:var(--line);stroke-width:.5}
svg .dist{stroke:var(--fail);stroke-width:2;stroke-dasharray:4 3}
svg .errmark{stroke:var(--fail);stroke-width:1.5}
svg .lost{fill:var(--bg);stroke:var(--fg);stroke-width:.8}
svg .expected{stroke:var(--fg);stroke-width:2}
svg .errbar{fill:var(--fail)}
svg .neutral{fill:var(--na)}
svg .small{font-size:8px}
.b0{fill:var(--b0);background:var(--b0)}.b1{fill:var(--b1);background:var(--b1)}
.b2{fill:var(--b2);background:var(--b2)}.b3{fill:var(--b3);background:var(--b3)}
.b4{fill:var(--b4);background:var(--b4)}.b5{fill:var(--b5);background:var(--b5)}
.b6{fill:var(--b6);background:var(--b6)}.b7{fill:var(--b7);background:var(--b7)}
.bn{fill:var(--line);background:var(--line)}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:.3rem 0;font-size:.9em}
.swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-.1em;margin-right:.3em}
.swatch.err{background:var(--fail)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.3rem 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;word-break:break-word}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
nav ul{padding-left:1.2rem}
@media (max-width:600px){body{padding:.5rem;font-size:14px}dl.facts{grid-template-columns:1fr}
table.checks tr:first-child{display:none}table.checks tr{display:block;border-bottom:1px solid var(--line);padding:.3rem 0}
table.checks td{display:block;border:0;padding:.1rem .3rem;text-align:left}
table.checks td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}}
@media print{body{max-width:none;color:#000;background:#fff}a{color:#000}
section.scenario{break-before:page}details>*{display:block}
.banner,.badge,.swatch,svg rect{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
)css";

}  // namespace

std::string backend_class(int index) {
  return index < 0 ? "bn" : fmt::format("b{}", index % kBackendColours);
}

std::string html_page(std::string_view title, std::string_view body) {
  std::string out;
  out.reserve(body.size() + kCss.size() + 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"color-scheme\" content=\"light dark\">\n";
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n", html_escape(title),
                     kCss);
  out += body;
  out += "\n</body>\n</html>\n";
  return out;
}

}  // namespace sc
