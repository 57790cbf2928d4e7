"""A small stylesheet that makes rendered blocks look roughly like Slack.

The UI inlines :data:`STYLESHEET` in a ``<style>`` element; every selector is an
``sb-`` class emitted by the renderers.
"""

from __future__ import annotations

from typing import Final

STYLESHEET: Final = """
.sb-blocks { font: 15px/1.47 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #1d1c1d; display: flex; flex-direction: column; gap: 8px; }
.sb-block { margin: 0; }
.sb-section { display: flex; gap: 12px; align-items: flex-start; }
.sb-section-body { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.sb-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin-top: 4px; }
.sb-accessory { flex: none; }
.sb-header { font-size: 18px; font-weight: 900; }
.sb-divider { border: 0; border-top: 1px solid #dddddd; width: 100%; }
.sb-image img { max-width: 100%; max-height: 360px; border-radius: 6px; }
.sb-image-title { font-size: 13px; color: #616061; margin-bottom: 4px; }
.sb-image-element { width: 88px; height: 88px; object-fit: cover; border-radius: 6px; }
.sb-context { display: flex; flex-wrap: wrap; align-items: center; gap: 6px;
  font-size: 12px; color: #616061; }
.sb-context-image { width: 20px; height: 20px; border-radius: 4px; }
.sb-actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.sb-button { font: inherit; font-size: 14px; font-weight: 700; padding: 0 12px; height: 32px;
  border-radius: 4px; border: 1px solid #bbbbbb; background: #fff; color: #1d1c1d;
  cursor: pointer; }
.sb-button:hover { background: #f8f8f8; }
.sb-button-primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.sb-button-primary:hover { background: #148567; }
.sb-button-danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.sb-select, .sb-datepicker, .sb-text-input, .sb-textarea, .sb-number-input {
  font: inherit; font-size: 14px; padding: 6px 8px; border: 1px solid #bbbbbb;
  border-radius: 4px; background: #fff; box-sizing: border-box; }
.sb-input .sb-control { width: 100%; }
.sb-textarea { min-height: 88px; resize: vertical; }
.sb-radio-group, .sb-checkbox-group { display: flex; flex-direction: column; gap: 6px; }
.sb-choice { display: flex; flex-wrap: wrap; gap: 6px; align-items: baseline; cursor: pointer; }
.sb-choice-description { flex-basis: 100%; padding-left: 22px; font-size: 13px;
  color: #616061; }
.sb-overflow { position: relative; display: inline-block; }
.sb-overflow-toggle { list-style: none; cursor: pointer; width: 32px; height: 32px;
  line-height: 32px; text-align: center; border: 1px solid #bbbbbb; border-radius: 4px; }
.sb-overflow-toggle::-webkit-details-marker { display: none; }
.sb-overflow-menu { position: absolute; right: 0; z-index: 10; min-width: 160px;
  background: #fff; border: 1px solid #dddddd; border-radius: 6px; padding: 4px 0;
  box-shadow: 0 4px 12px rgba(0, 0, 0, .12); }
.sb-overflow-option { display: block; width: 100%; text-align: left; font: inherit;
  padding: 4px 16px; border: 0; background: none; cursor: pointer; }
.sb-overflow-option:hover { background: #1264a3; color: #fff; }
.sb-input-block { display: flex; flex-direction: column; gap: 4px; }
.sb-label { font-weight: 700; }
.sb-optional, .sb-hint { color: #616061; font-weight: 400; font-size: 13px; }
.sb-error { color: #e01e5a; font-size: 13px; }
.sb-error:empty { display: none; }
.sb-mention, .sb-broadcast, .sb-channel { background: #e8f5fa; color: #1264a3;
  border-radius: 3px; padding: 0 2px; }
.sb-broadcast { background: #fef3cd; color: #1d1c1d; }
.sb-link { color: #1264a3; text-decoration: none; }
.sb-link:hover { text-decoration: underline; }
.sb-code { font: 12px Monaco, Menlo, Consolas, monospace; color: #e01e5a;
  background: #f6f6f6; border: 1px solid #dddddd; border-radius: 3px; padding: 0 3px; }
.sb-pre { font: 12px Monaco, Menlo, Consolas, monospace; background: #f6f6f6;
  border: 1px solid #dddddd; border-radius: 4px; padding: 8px; white-space: pre-wrap;
  margin: 4px 0; }
.sb-quote { border-left: 4px solid #dddddd; padding-left: 12px; margin: 4px 0; }
.sb-date { border-bottom: 1px dotted #616061; }
.sb-unsupported { color: #616061; font-style: italic; border: 1px dashed #bbbbbb;
  border-radius: 4px; padding: 4px 8px; }
.sb-modal { width: 520px; max-width: 100%; background: #fff; border-radius: 8px;
  box-shadow: 0 18px 48px rgba(0, 0, 0, .35); display: flex; flex-direction: column;
  max-height: 90vh; }
.sb-modal-header { padding: 16px 24px; border-bottom: 1px solid #dddddd; }
.sb-modal-title { font-size: 22px; font-weight: 900; margin: 0; }
.sb-modal-body { padding: 16px 24px; overflow-y: auto; }
.sb-modal-footer { display: flex; justify-content: flex-end; gap: 8px; padding: 16px 24px;
  border-top: 1px solid #dddddd; }
.sb-modal-close, .sb-modal-submit { font: inherit; font-weight: 700; height: 36px;
  padding: 0 16px; border-radius: 4px; cursor: pointer; }
.sb-modal-close { background: #fff; border: 1px solid #bbbbbb; }
.sb-modal-submit { background: #007a5a; border: 1px solid #007a5a; color: #fff; }
"""
