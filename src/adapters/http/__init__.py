"""The HTTP edge, three surfaces composed by `app.build_app`: the JSON API (`api/`), the admin
pages (`admin/`) and Slack's endpoints (`slack/`). Each only verifies, translates and answers;
what two of them share is in `dependencies.py`."""
