"""Block Kit for mentorlink's DMs: one small pure renderer per notification kind (built with
`slack_sdk.models.blocks`), the `action_id`s its buttons carry (`actions`), and the
`SlackRenderer` that picks the renderer and adds the delivery id as message metadata
(`renderer`)."""
