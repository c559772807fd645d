import tracemalloc
from pathlib import Path

import pytest

from phonegen.errors import InvalidInput
from phonegen.numbering.parsing import parse
from phonegen.numbers.importing.reader import (
    MAX_LINE_BYTES,
    SNIFF_BYTES,
    Layout,
    count_lines,
    detect_layout,
    read_lines,
)


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    return path


class ReadLinesTests:
    def test_it_strips_the_bom_and_line_ends(self, tmp_path):
        path = write(tmp_path, b"\xef\xbb\xbfphone\r\n212-350-2484\r\n")

        assert list(read_lines(path)) == [(1, "phone"), (2, "212-350-2484")]

    def test_it_decodes_each_line_on_its_own(self, tmp_path):
        data = "Ren\xe9e\n".encode("latin-1") + "Jos\xe9\n".encode()

        lines = list(read_lines(write(tmp_path, data)))

        assert lines == [(1, "Ren\xe9e"), (2, "Jos\xe9")]

    def test_it_gives_none_for_a_line_too_long_and_goes_on(self, tmp_path):
        data = b"a\n" + b"9" * (MAX_LINE_BYTES * 3) + b"\nb"

        lines = list(read_lines(write(tmp_path, data)))

        assert lines == [(1, "a"), (2, None), (3, "b")]

    def test_it_counts_lines_with_or_without_a_final_newline(self, tmp_path):
        assert count_lines(write(tmp_path, b"a\nb\nc\n")) == 3
        assert count_lines(write(tmp_path, b"a\nb\nc")) == 3
        assert count_lines(write(tmp_path, b"")) == 0

    def test_it_streams_a_large_file_in_bounded_memory(self, tmp_path):
        path = tmp_path / "large.csv"
        with open(path, "w") as f:
            f.write("name,phone\n")
            f.writelines(
                f"Customer {n},(212) 350-{n % 10_000:04d} x{n % 97}\n"
                for n in range(200_000)
            )
        size = path.stat().st_size

        tracemalloc.start()
        try:
            read = 0
            for _, text in read_lines(path):
                read += 1
                last = text
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

        assert read == 200_001
        assert parse(last.partition(",")[2]).extension == str(199_999 % 97)
        assert size > 6_000_000
        # Only a line at a time is held: the peak does not grow with the file.
        assert peak < 256 * 1024


class DetectLayoutTests:
    @pytest.mark.parametrize(
        ("text", "layout"),
        [
            ("name,phone\nAnn,212-350-2484\n", Layout(",", 1, 1, "phone")),
            ("Phone 2;Name\n2123502484;Ann\n", Layout(";", 1, 0, "Phone 2")),
            ("Name\tTel\nAnn\t2123502484\n", Layout("\t", 1, 1, "Tel")),
            ("2123502484\n9175551234\n", Layout(None, 0, 0, "")),
            ("\n\nContact\n2123502484\n", Layout(None, 3, 0, "Contact")),
            ("Ann|212 350 2484\nBob|917 555 1234\n", Layout("|", 0, 1, "")),
            (
                "id,name,home\n1,Ann,212-350-2484\n2,Bob,917-555-1234\n",
                Layout(",", 1, 2, "home"),
            ),
            # Bad data on the first line is data, to be reported, not a header.
            ("Ann,911\nBob,2123502484\n", Layout(",", 0, 1, "")),
        ],
    )
    def test_it_finds_the_delimiter_header_and_phone_column(
        self, tmp_path, text, layout
    ):
        assert detect_layout(write(tmp_path, text.encode())) == layout

    def test_it_takes_a_column_by_name_in_any_case(self, tmp_path):
        path = write(tmp_path, b"Home,Office\n2123502484,9175551234\n")

        assert detect_layout(path, "OFFICE") == Layout(",", 1, 1, "Office")

    def test_it_takes_a_column_by_position(self, tmp_path):
        path = write(tmp_path, b"2123502484,9175551234\n")

        assert detect_layout(path, "2") == Layout(",", 0, 1, "")

    def test_it_names_the_header_when_the_column_is_unknown(self, tmp_path):
        path = write(tmp_path, b"Home,Office\n2123502484,9175551234\n")

        with pytest.raises(InvalidInput) as error:
            detect_layout(path, "mobile")

        assert error.value.errors == {
            "column": ["No column 'mobile'; the header has 'Home', 'Office'."]
        }

    @pytest.mark.parametrize(
        "data",
        [
            b"name,phone\rAnn,2123502484\rBob,9175551234\r",
            b"2123502484\r9175551234",
            b"name,phone\r\nAnn,2123502484\rBob,9175551234\r\n",
        ],
        ids=["cr-only", "cr-only-no-final", "one-stray-cr"],
    )
    def test_it_refuses_lines_ended_by_a_carriage_return_alone(self, tmp_path, data):
        path = write(tmp_path, data)

        with pytest.raises(InvalidInput) as error:
            detect_layout(path)

        assert list(error.value.errors) == ["file"]
        assert "carriage return alone" in error.value.message

    def test_it_reads_a_single_line_ended_by_a_carriage_return(self, tmp_path):
        path = write(tmp_path, b"2123502484\r")

        assert detect_layout(path) == Layout(None, 0, 0, "")

    @pytest.mark.parametrize(
        "data",
        [
            b"9" * 10_000_000,
            b"a," * 5_000_000 + b"\n",
            b"phone\n" + b"9" * (MAX_LINE_BYTES + 1) + b"\n",
        ],
        ids=["one-line", "one-line-of-cells", "header-and-one-line"],
    )
    def test_it_says_the_lines_are_too_long_not_that_the_file_is_empty(
        self, tmp_path, data
    ):
        with pytest.raises(InvalidInput) as error:
            detect_layout(write(tmp_path, data))

        message = (
            f"The file has lines longer than {MAX_LINE_BYTES:,} bytes and no "
            "phone numbers."
        )
        assert error.value.message == message
        assert error.value.errors == {"file": [message]}

    def test_it_reads_layouts_of_tasks_queued_before_header_lines(self):
        params = {"delimiter": ",", "has_header": True, "column": 1, "column_name": "p"}

        assert Layout.from_params(params) == Layout(",", 1, 1, "p")
        assert Layout.from_params(Layout(None, 3, 0, "").as_params()).header_line == 3


class BinaryFileTests:
    @pytest.mark.parametrize(
        ("data", "kind"),
        [
            (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "a ZIP archive"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "old-style Excel"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
            ("phone\n2123502484\n".encode("utf-16-le"), "UTF-16 text without"),
            (b"phone\n2123502484\n" + b"\x00\x01\x02\x03" * 10, ""),
            (b"%PDF-1.7\n%text-like header\n", "a PDF document"),
            (bytes(range(1, 9)) * 100, ""),
        ],
        ids=["xlsx", "xls", "png", "utf-16-no-bom", "nul", "pdf", "control-characters"],
    )
    def test_it_refuses_a_file_that_is_not_text(self, tmp_path, data, kind):
        with pytest.raises(InvalidInput) as error:
            detect_layout(write(tmp_path, data))

        message = error.value.errors["file"][0]
        assert message.startswith("This is not a text file")
        assert kind in message
        assert error.value.message == message

    def test_a_stray_nul_in_a_text_line_is_left_to_that_lines_report(self, tmp_path):
        path = write(tmp_path, b"phone\n212\x00350-2484\n212-350-2485\n")

        assert detect_layout(path) == Layout(None, 1, 0, "phone")

    def test_it_looks_only_at_the_first_block(self, tmp_path):
        data = b"phone\n" + b"2123502484\n" * (SNIFF_BYTES // 11 + 1) + b"\x00" * 99

        assert detect_layout(write(tmp_path, data)) == Layout(None, 1, 0, "phone")

    @pytest.mark.parametrize(
        "data",
        [
            "name;phone\nRen\xe9e;212-350-2484\n".encode("latin-1"),
            # Windows-1252 quotes and dashes are C1 bytes in Latin-1: still text.
            b"name,phone\n\x93Ann\x94,212\x96350\x962484\n",
            "name,phone\nJos\xe9,+1 212 350 2484\f\n".encode(),
            b"\xef\xbb\xbfphone\r\n2123502484\r\n",
            b"2123502484\t\n9175551234\x1a",
        ],
        ids=["latin-1", "windows-1252", "utf-8", "utf-8-bom", "tab-and-dos-eof"],
    )
    def test_it_takes_text_in_any_accepted_encoding(self, tmp_path, data):
        layout = detect_layout(write(tmp_path, data))

        assert layout.column in (0, 1)
