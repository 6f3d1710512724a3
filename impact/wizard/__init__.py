"""The impact wizard (``coaching wizard``): a dialogue that writes an initiative's Theory of Change.

It asks what the initiative is, does and produces, and which change it expects; proposes a registered
instrument per outcome (``proposals``), the test the pipeline would choose for it, and how many participants
the initiative needs to show a meaningful change at the programme's alpha after Holm (``planning``); and
writes a ``theory_of_change.yaml`` the pipeline accepts (``toc_file``). Pure domain code: no Dagster. The
dialogue (``dialogue``) takes an ``ask``/``say`` pair, so a terminal or a test drives it. docs/impact-wizard.md
describes it.
"""

from __future__ import annotations

from pathlib import Path

from impact.wizard.dialogue import Ask, Dialogue, Say, Stop, Wizard

__all__ = ["run_wizard", "Wizard", "Dialogue"]


def run_wizard(ask: Ask, say: Say, raw_data: Path, language: str = "nl", out: Path | None = None,
               force: bool = False) -> int:
    """Run the dialogue; 0 when the Theory of Change was written, 1 when the wizard stopped (a file it would
    overwrite, no programme settings, the input ended)."""
    from impact.errors import ConfigError
    from impact.language import Translator
    from impact.programme import load_programme

    tr = Translator(language)
    try:
        programme = load_programme(raw_data)
    except ConfigError as exc:
        say(tr.t("wizard.no_programme", error=exc))
        return 1
    wizard = Wizard(Dialogue(ask, say, tr), programme, raw_data, out, force)
    try:
        wizard.run()
    except Stop as stop:
        say(str(stop))
        return 1
    except (EOFError, KeyboardInterrupt):
        say("")
        say(tr.t("wizard.stopped"))
        return 1
    return 0
