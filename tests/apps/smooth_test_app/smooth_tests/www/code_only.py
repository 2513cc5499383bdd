"""A page of code only: a file when asked for one, else nothing to show."""


def get_context(context):  # type: ignore[no-untyped-def]
    if context.form_dict.get("file"):
        context.download = {"filename": "a b.txt", "content": b"bytes", "content_type": "text/plain"}
