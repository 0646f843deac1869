"""The templates a facility starts with, until its administrator chooses its own (pure data)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Template:
    key: str  # "default:<kind>" for these; the row's id for a facility's own
    kind: str
    title: str
    headings: tuple[str, ...]


DEFAULTS: tuple[Template, ...] = (
    Template("default:team_handover", "team_handover", _("Transmission d'équipe"),
             (_("Nuit"), _("Alimentation"), _("Sommeil"), _("Interactions"), _("Inquiétudes"))),
    Template("default:parent_interview", "parent_interview", _("Entretien parental"),
             (_("Demande des parents"), _("Observations"), _("Suites convenues"))),
    Template("default:incident", "incident", _("Incident"),
             (_("Faits"), _("Personnes concernées"), _("Mesures prises"), _("Personnes informées"))),
)


def body(headings) -> str:
    """The text a template puts in the note: each heading followed by an empty line to fill in."""
    return "\n\n".join(f"{heading} :" for heading in headings) + "\n"
