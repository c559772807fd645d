import logging

from phonegen.api.management.commands.serve import HideTokens


class HideTokensTests:
    def test_it_masks_a_token_in_a_logged_websocket_url(self):
        record = logging.LogRecord(
            "uvicorn.error",
            logging.INFO,
            "",
            0,
            '%s - "WebSocket %s" [accepted]',
            ("127.0.0.1:5000", "/ws/tasks/demo/?token=0123abcd&x=1"),
            None,
        )

        HideTokens().filter(record)

        assert record.getMessage() == (
            '127.0.0.1:5000 - "WebSocket /ws/tasks/demo/?token=***&x=1" [accepted]'
        )

    def test_it_leaves_other_lines_alone(self):
        record = logging.LogRecord(
            "uvicorn.access",
            logging.INFO,
            "",
            0,
            "%s %s",
            ("GET", "/api/health/"),
            None,
        )

        HideTokens().filter(record)

        assert record.getMessage() == "GET /api/health/"
