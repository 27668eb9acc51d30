"""Expected user errors are one log line (no traceback); unexpected ones keep theirs."""
from __future__ import annotations

import logging

import gradio as gr
import pytest

from studio.ui.common import friendly


def test_expected_error_is_one_line_unexpected_keeps_its_traceback(caplog):
    @friendly
    def bad_input():
        raise ValueError("seed A is empty")

    @friendly
    def bug():
        return {}["missing"]

    with caplog.at_level(logging.INFO, logger="studio.ui"):
        with pytest.raises(gr.Error) as e:
            bad_input()
        assert e.value.message == "seed A is empty" and not e.value.print_exception
        with pytest.raises(gr.Error) as e:
            bug()
        assert "KeyError" in e.value.message and not e.value.print_exception
    expected, unexpected = caplog.records
    assert expected.levelno == logging.INFO and expected.exc_info is None
    assert unexpected.levelno == logging.ERROR and unexpected.exc_info[0] is KeyError


def test_a_bad_request_prints_no_traceback(client, capfd):
    with pytest.raises(Exception, match="no model called"):
        client.predict(model="no-such-model", api_name="/interpolate_frame")
    assert "Traceback" not in capfd.readouterr().err
