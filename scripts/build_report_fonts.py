"""Write the report's font files into impact/reporting/fonts/ (see impact/reporting/typeface.py).

Run after a matplotlib upgrade or a change of typeface.UNICODE_RANGES:

    .venv/bin/python scripts/build_report_fonts.py

The same matplotlib and fontTools give the same bytes; tests/test_render.py checks that the
committed files are what this script writes.
"""

from __future__ import annotations

import shutil

from impact.reporting.typeface import build_faces, fonts_folder, matplotlib_fonts_folder


def main() -> None:
    source = matplotlib_fonts_folder()
    target = fonts_folder()
    target.mkdir(parents=True, exist_ok=True)
    for name, data in build_faces(source).items():
        (target / name).write_bytes(data)
        print(f"{target / name}: {len(data):,} bytes")
    shutil.copyfile(source / "LICENSE_DEJAVU", target / "LICENSE")
    print(f"{target / 'LICENSE'}: the DejaVu fonts' licence")


if __name__ == "__main__":
    main()
