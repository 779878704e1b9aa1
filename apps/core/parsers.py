from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class NestingSafeJSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python's parser answered as a 400.

    `[` repeated 100,000 times exhausts the decoder's recursion limit: a RecursionError, which
    DRF's parser (catching only ValueError) lets through as a 500.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
