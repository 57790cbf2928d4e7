"""The page frame shared by every HTML page of the sandbox."""

from __future__ import annotations

from html import escape

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0;color:#1d1c1d;
background:#f8f8f8}
header.sb-top{background:#3f0e40;color:#fff;padding:10px 20px;display:flex;gap:16px;
align-items:center}
header.sb-top a{color:#fff}
main{padding:20px;max-width:960px;margin:auto}
.sb-card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:16px;margin:12px 0}
.sb-tabs a{margin-right:12px;padding:6px 10px;border-radius:4px;text-decoration:none}
.sb-tabs a.sb-current{background:#1264a3;color:#fff}
.sb-msg{border-bottom:1px solid #eee;padding:10px 0}
.sb-meta{color:#616061;font-size:12px}
.sb-ephemeral{background:#fffbe6}
.sb-overlay{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;
align-items:flex-start;justify-content:center;padding-top:60px}
.sb-modal-frame{background:#fff;border-radius:8px;width:520px;max-height:80vh;overflow:auto;
padding:16px}
.sb-banner{background:#fde8e8;border:1px solid #e01e5a;padding:8px;border-radius:4px}
.sb-mail{border-bottom:1px solid #eee;padding:10px 0}
.sb-mail-text{white-space:pre-wrap;background:#f8f8f8;padding:8px}
.sb-mail-html{width:100%;height:240px;border:1px solid #ddd}
button{cursor:pointer}
[hidden]{display:none !important}
table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid #eee;
text-align:left}
"""


def page(title: str, body: str, *, extra_head: str = "") -> str:
    """A whole HTML document; `body` is trusted markup, `title` is escaped."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)} · Slack sandbox</title><style>{_CSS}</style>{extra_head}"
        "</head><body><header class='sb-top'><strong>Slack sandbox</strong>"
        "<a href='/'>Workspaces</a><a href='/ui/mail'>Mail</a></header>"
        f"<main>{body}</main></body></html>"
    )
