"""How a response's format is chosen."""

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class FormatNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, except that a ``?format=`` the view cannot answer is
    a 400 naming the parameter rather than a bare 404 "Not found."."""

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or request.query_params.get(
            self.settings.URL_FORMAT_OVERRIDE
        )
        known = sorted({renderer.format for renderer in renderers})
        if wanted and wanted not in known:
            raise ValidationError(
                {
                    "format": [
                        f"Unknown format {wanted!r}; this answers {', '.join(known)}."
                    ]
                }
            )
        return super().select_renderer(request, renderers, format_suffix)
