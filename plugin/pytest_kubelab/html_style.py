"""The style sheet of the student's HTML report (see :mod:`pytest_kubelab.html_report`).

It hides pytest-html's parts a student does not need (environment table, filters,
run counter), lays out the score and the failure cards, and keeps the results
table readable: durations on one line, the result in the student's language.
"""

STYLE = """
body { font-family: "Malgun Gothic", "Apple SD Gothic Neo", "Noto Sans CJK KR", "NanumGothic",
  sans-serif; color: #222;
  max-width: 1300px; }
#title + p, #environment-header, #environment, .summary__data > h2, .run-count, p.filter,
.controls, .col-links { display: none !important; }
.kl-report { font-size: 15px; line-height: 1.5; }
.kl-intro { color: #333; }
.kl-score { margin: 12px 0 16px; }
.kl-score-label { font-size: 20px; font-weight: bold; }
.kl-score-value { font-size: 34px; font-weight: bold; margin-left: 8px; }
.kl-score-unit { font-size: 18px; margin-left: 4px; }
.kl-bar { height: 12px; background: #eee; border-radius: 6px; width: 420px; margin-top: 4px; }
.kl-bar > div { height: 12px; background: #2e7d32; border-radius: 6px; }
table.kl-steps { border-collapse: collapse; margin-bottom: 12px; color: #222; }
table.kl-steps td, table.kl-steps th { border: 1px solid #ccc; padding: 4px 10px; }
table.kl-steps th { background: #f3f3f3; }
tr.kl-lab td, tr.kl-total td { font-weight: bold; }
tr.kl-partial td:last-child { color: #c62828; }
tr.kl-full td:last-child { color: #2e7d32; }
.kl-failures { padding-left: 20px; }
.kl-card { border: 2px solid #c62828; border-radius: 8px; padding: 8px 14px; margin-bottom: 14px;
  background: #fffafa; }
.kl-card h3 { margin: 4px 0 8px; }
.kl-badge { background: #c62828; color: #fff; border-radius: 4px; padding: 1px 8px; }
.kl-id { color: #777; font-weight: normal; font-size: 13px; }
.kl-points { color: #c62828; font-size: 14px; }
.kl-label { font-weight: bold; margin: 8px 0 2px; }
.kl-problem, .kl-next { margin: 0 0 6px; padding: 4px 8px; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.kl-problem { background: #fdecea; border-left: 4px solid #c62828; }
.kl-next { background: #fff8e1; border-left: 4px solid #f9a825; }
.kl-next p { margin: 0 0 4px; }
.kl-next .kl-more { color: #444; font-size: 14px; }
.kl-message { margin: 0 0 6px; white-space: pre-wrap; }
.kl-diag summary { cursor: pointer; font-weight: bold; }
.kl-diag h4 { margin: 8px 0 2px; font-size: 13px; }
.kl-diag pre, .kl-trace pre, .kl-card pre.kl-details { background: #f5f5f5; padding: 6px;
  font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.kl-note { color: #555; font-size: 13px; }
.kl-blocked li { margin-bottom: 6px; }
.kl-members { color: #555; font-size: 13px; }
.kl-done { font-size: 18px; color: #2e7d32; font-weight: bold; }
code { background: #eef; padding: 0 3px; border-radius: 3px; font-size: 0.92em; }
td.col-result { font-size: 0; }
td.col-result::before { content: attr(data-label); font-size: 14px; }
td.col-result:hover::after, td.col-result.collapsed:hover::after { content: ""; }
td.col-duration { white-space: nowrap; text-align: right; }
td.col-checkpoint, td.col-step, td.col-points { white-space: nowrap; }
.kl-detail { font-size: 14px; color: #222; padding: 4px 8px; }
.kl-description { color: #555; font-size: 13px; margin-top: 2px; }
.logexpander { display: none; }
.logwrapper { max-height: none; overflow-y: visible; background: transparent; }
.logwrapper:not(:has(.log)) { display: none; }
.logwrapper .log { top: 0; height: auto; min-height: 0; }
#results-table { color: #222; font-size: 14px; }
.kl-trace pre { white-space: pre-wrap; }
td.col-note { font-size: 13px; max-width: 420px; }
#results-table th { white-space: nowrap; }
a.kl-card-link { color: #1565c0; }
td.col-note a.kl-card-link { white-space: nowrap; }
.kl-next a.kl-card-link { font-weight: bold; }
"""
