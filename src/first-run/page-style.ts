/**
 * The pages' stylesheet (GET /setup.css) and the headers every page is served with. The pages run
 * no script at all, and the Content-Security-Policy says so: a pasted message cannot run code even
 * if an escaping bug let markup through.
 */
import type { Response } from "express";

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function setPageHeaders(res: Response): void {
  res.set({
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
  });
}

export const PAGE_CSS = `
body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1d1c1d; background: #f8f8f8; margin: 0; }
main { max-width: 860px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; } h2 { margin-top: 32px; font-size: 19px; } h3 { font-size: 15px; margin-bottom: 6px; }
.count { font-weight: normal; color: #616061; font-size: 14px; }
code, pre, textarea { font-family: Menlo, Consolas, monospace; font-size: 13px; }
pre { white-space: pre-wrap; word-break: break-word; background: #fff; border: 1px solid #ddd; padding: 10px; border-radius: 4px; }
.checklist { list-style: none; padding: 0; }
.checklist li { display: flex; gap: 12px; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; margin-bottom: 8px; }
.checklist li p { margin: 4px 0; }
.checklist .mark { font-size: 18px; }
.checklist li.ok .mark, .checklist li.ok .state { color: #007a5a; }
.checklist li.todo .mark, .checklist li.todo .state { color: #c0392b; }
.todo-text { color: #1d1c1d; font-weight: 500; }
.state { font-size: 12px; text-transform: uppercase; margin-left: 6px; }
.button, button { display: inline-block; background: #4a154b; color: #fff; border: 0; border-radius: 4px; padding: 8px 14px; text-decoration: none; font-size: 14px; cursor: pointer; }
.hint { color: #616061; font-size: 13px; }
.row { display: flex; gap: 8px; align-items: center; margin-bottom: 12px; }
textarea { width: 100%; box-sizing: border-box; margin: 6px 0; }
.error { background: #fdecea; border: 1px solid #c0392b; color: #7b1f17; padding: 10px; border-radius: 4px; white-space: pre-wrap; }
.bk-message { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px 16px; }
.bk-author { font-weight: 700; margin-bottom: 4px; }
.bk-app { font-size: 10px; background: #e8e8e8; color: #616061; padding: 1px 4px; border-radius: 3px; vertical-align: middle; }
.bk-header { font-size: 18px; font-weight: 700; margin: 6px 0; }
.bk-section { margin: 6px 0; }
.bk-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin-top: 6px; }
.bk-context { color: #616061; font-size: 12px; margin: 6px 0; }
.bk-actions { margin: 8px 0; }
.bk-button { display: inline-block; border: 1px solid #bbb; border-radius: 4px; padding: 4px 10px; color: #1d1c1d; text-decoration: none; font-weight: 600; font-size: 13px; }
.bk-message pre { margin: 4px 0; }
.bk-message code { background: #f3f3f3; border: 1px solid #e0e0e0; border-radius: 3px; padding: 0 3px; color: #c7254e; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
`;
