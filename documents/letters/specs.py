"""One spec per letter made here. Each legal element names its source; ``lacks`` names, in
Norwegian, what the case is missing for the letter (the draft cannot be finalised until the
list is empty). The rules themselves are read from decisions (deviations, appeal_deadline)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from decisions.models import Decision

from .base import ASSESSOR, OFFICE, REPORTER, SCHOOL, LegalElement, LetterSpec, TextPart

FVL = "forvaltningsloven"
BHL = "barnehageloven"
OPPL = "opplæringslova"

INTRO = TextPart("intro", _lazy("Innledning (valgfri)"), 2000)


def _common(facts) -> list[str]:
    """What every letter needs: a letterhead with a signatory, and someone to send it to."""
    missing = []
    lh = facts.letterhead
    if lh is None:
        missing.append(_("Kommunen har ikke lagt inn brevhode (navn, adresse, underskriver)."))
    elif not (lh.signatory and lh.signatory_title):
        missing.append(_("Brevhodet mangler underskriver og tittel."))
    if not facts.guardians:
        missing.append(_("Saken har ingen foresatte med foreldreansvar å sende brevet til."))
    return missing


# --- foreløpig svar (forvaltningsloven § 11 a) ------------------------------------------------


def _provisional_lacks(facts) -> list[str]:
    missing = _common(facts)
    if not facts.text("reason"):
        missing.append(_("Grunnen til at saken tar tid mangler (forvaltningsloven § 11 a)."))
    if not facts.text("expected_on"):
        missing.append(
            _("Datoen dere kan vente svar mangler (forvaltningsloven § 11 a andre ledd).")
        )
    return missing


PROVISIONAL_REPLY = LetterSpec(
    kind="provisional_reply",
    title_nb="Foreløpig svar",
    title_nn="Førebels svar",
    reads=None,
    writers=OFFICE,
    texts=(
        INTRO,
        TextPart("reason", _lazy("Hvorfor saken tar tid"), 2000),
        TextPart("expected_on", _lazy("Når foreldrene kan vente svar"), 10, kind="date"),
    ),
    elements=(
        LegalElement(
            "reason", f"{FVL} § 11 a andre ledd", "Hvorfor saken tar tid", "Kvifor saka tek tid"
        ),
        LegalElement(
            "expected",
            f"{FVL} § 11 a andre ledd",
            "Når dere kan vente svar",
            "Når de kan vente svar",
        ),
        LegalElement(
            "one_month", f"{FVL} § 11 a tredje ledd", "Saksbehandlingstid", "Sakshandsamingstid"
        ),
    ),
    template="provisional_reply.html",
    lacks=_provisional_lacks,
)


# --- sakkyndig vurdering (barnehageloven § 34) ------------------------------------------------


def _assessment_lacks(facts) -> list[str]:
    missing = _common(facts)
    a = facts.assessment
    if a is None or not a.is_completed:
        return [*missing, _("Den sakkyndige vurderingen er ikke ferdigstilt.")]
    needed = [
        ("development", _("barnets utvikling og vansker")),
        ("goals", _("realistiske mål for utvikling og læring")),
        ("kind_of_help", _("hva slags hjelp som gir god utvikling")),
        ("guardian_views", _("foresattes synspunkter (barnehageloven § 32 andre ledd)")),
        ("conclusion", _("konklusjon")),
    ]
    if a.conclusion == "needs_help":
        needed += [
            ("organisation", _("organisering")),
            ("recommended_hours", _("omfang i timer (§ 34 andre ledd bokstav e)")),
            ("competence", _("kompetanse (§ 34 andre ledd bokstav e)")),
        ]
    for name, label in needed:
        value = getattr(a, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(_("Den sakkyndige vurderingen mangler %(what)s.") % {"what": label})
    return missing


ASSESSMENT = LetterSpec(
    kind="assessment",
    title_nb="Sakkyndig vurdering",
    title_nn="Sakkunnig vurdering",
    reads=None,
    writers=ASSESSOR,
    texts=(INTRO,),
    elements=(
        LegalElement(
            "development",
            f"{BHL} § 34",
            "Barnets utvikling og vansker",
            "Utviklinga og vanskane til barnet",
        ),
        LegalElement(
            "goals",
            f"{BHL} § 34",
            "Realistiske mål for utvikling og læring",
            "Realistiske mål for utvikling og læring",
        ),
        LegalElement(
            "help",
            f"{BHL} § 34",
            "Hjelp som gir gode utviklingsmuligheter",
            "Hjelp som gir gode utviklingsmoglegheiter",
        ),
        LegalElement("organisation", f"{BHL} § 34", "Organisering", "Organisering"),
        LegalElement("hours", f"{BHL} § 34 andre ledd bokstav e", "Omfang", "Omfang"),
        LegalElement("competence", f"{BHL} § 34 andre ledd bokstav e", "Kompetanse", "Kompetanse"),
        LegalElement("assistant", f"{BHL} § 34", "Assistent", "Assistent"),
        LegalElement("child_views", f"{BHL} § 3", "Barnets syn", "Synet til barnet"),
        LegalElement(
            "guardian_views", f"{BHL} § 32 andre ledd", "Foreldrenes syn", "Synet til foreldra"
        ),
        LegalElement("conclusion", f"{BHL} §§ 34 og 35", "Konklusjon", "Konklusjon"),
    ),
    template="assessment.html",
    lacks=_assessment_lacks,
)


# --- vedtak (forvaltningsloven §§ 23–25, 27; barnehageloven § 35) ------------------------------

# The notice of every enkeltvedtak (forvaltningsloven § 27 third paragraph).
APPEAL_ELEMENTS = (
    LegalElement("appeal_right", f"{FVL} §§ 27 tredje ledd og 28", "Klageadgang", "Klagerett"),
    LegalElement("appeal_period", f"{FVL} § 29", "Klagefrist", "Klagefrist"),
    LegalElement("appeal_body", f"{FVL} § 28", "Klageinstans", "Klageinstans"),
    LegalElement("appeal_how", f"{FVL} § 32", "Slik klager dere", "Slik klagar de"),
    LegalElement(
        "access", f"{FVL} §§ 18 og 19", "Rett til å se dokumentene", "Rett til å sjå dokumenta"
    ),
    LegalElement("deferral", f"{FVL} § 42", "Utsatt iverksetting", "Utsett iverksetjing"),
)

DECISION_ELEMENTS = (
    LegalElement(
        "rules",
        f"{FVL} § 25 første ledd",
        "Regler vedtaket bygger på",
        "Reglar vedtaket byggjer på",
    ),
    LegalElement("facts", f"{FVL} § 25 andre ledd", "Faktiske forhold", "Faktiske forhold"),
    LegalElement("considerations", f"{FVL} § 25 tredje ledd", "Hovedhensyn", "Hovudomsyn"),
    LegalElement("content", f"{BHL} § 35", "Innholdet i hjelpen", "Innhaldet i hjelpa"),
    LegalElement("hours", f"{BHL} § 35", "Omfang", "Omfang"),
    LegalElement("organisation", f"{BHL} § 35", "Organisering", "Organisering"),
    LegalElement("competence", f"{BHL} § 35", "Kompetanse", "Kompetanse"),
    LegalElement("assistant", f"{BHL} § 35", "Assistent", "Assistent"),
    LegalElement("period", f"{BHL} § 35", "Periode", "Periode"),
    LegalElement(
        "deviation",
        f"{BHL} § 35 første ledd",
        "Avvik fra den sakkyndige vurderingen",
        "Avvik frå den sakkunnige vurderinga",
    ),
)
# The elements a refusal does not carry (there is no help to describe).
HELP_ONLY = {"content", "hours", "organisation", "competence", "assistant", "period"}


def _decision_lacks(facts) -> list[str]:
    missing = _common(facts)
    d = facts.decision
    if d is None:
        return [*missing, _("Saken har ikke noe vedtak å skrive brev om.")]
    if not d.reason.strip():
        missing.append(_("Vedtaket mangler begrunnelse (forvaltningsloven §§ 24–25)."))
    if facts.departs and not d.deviation_reason.strip():
        missing.append(
            _(
                "Vedtaket avviker fra den sakkyndige vurderingen uten begrunnelse (barnehageloven § 35)."
            )
        )
    if facts.assessment is None or not facts.assessment.is_completed:
        missing.append(_("Den sakkyndige vurderingen er ikke ferdigstilt (barnehageloven § 34)."))
    if facts.helps:
        terms = [
            (d.hours_per_week, _("timer per uke")),
            (d.organisation, _("organisering")),
            (d.competence, _("kompetanse")),
            (d.starts_on, _("fra-dato")),
            (d.ends_on, _("til-dato")),
        ]
        for value, label in terms:
            if value in (None, ""):
                missing.append(
                    _("Vedtaket mangler %(what)s (barnehageloven § 35).") % {"what": label}
                )
        if facts.assessment is not None and not facts.assessment.kind_of_help.strip():
            missing.append(
                _("Innholdet i hjelpen mangler (sakkyndig vurdering, barnehageloven § 35).")
            )
    lh = facts.letterhead
    if lh is not None and not lh.appeal_body.strip():
        missing.append(_("Brevhodet mangler klageinstans (forvaltningsloven § 28)."))
    return missing


DECISION = LetterSpec(
    kind="decision",
    title_nb="Vedtak om spesialpedagogisk hjelp",
    title_nn="Vedtak om spesialpedagogisk hjelp",
    reads="decision",
    writers=OFFICE,
    texts=(INTRO,),
    elements=(*DECISION_ELEMENTS, *APPEAL_ELEMENTS),
    template="decision.html",
    lacks=_decision_lacks,
)


def _change_lacks(facts) -> list[str]:
    missing = _decision_lacks(facts)
    d = facts.decision
    if d is not None and (d.kind != Decision.Kind.CHANGE or d.changes_id is None):
        missing.append(_("Vedtaket er ikke et endringsvedtak som viser til vedtaket det endrer."))
    return missing


CHANGE_DECISION = LetterSpec(
    kind="change_decision",
    title_nb="Endringsvedtak om spesialpedagogisk hjelp",
    title_nn="Endringsvedtak om spesialpedagogisk hjelp",
    reads="decision",
    writers=OFFICE,
    texts=(INTRO,),
    elements=(
        LegalElement("changes", f"{FVL} § 25; {BHL} § 35", "Dette er endret", "Dette er endra"),
        *DECISION_ELEMENTS,
        *APPEAL_ELEMENTS,
    ),
    template="change_decision.html",
    lacks=_change_lacks,
)


# --- årsrapport (barnehageloven § 32 tredje ledd) ------------------------------------------------


def _annual_lacks(facts) -> list[str]:
    missing = _common(facts)
    r = facts.annual_report
    if r is None:
        return [*missing, _("Saken har ingen årsrapport å sende.")]
    if r.status != "submitted":
        missing.append(_("Årsrapporten er ikke sendt inn (barnehageloven § 32 tredje ledd)."))
    if not r.help_given.strip():
        missing.append(_("Årsrapporten mangler hjelpen som er gitt."))
    if not r.development.strip():
        missing.append(_("Årsrapporten mangler barnets utvikling."))
    return missing


ANNUAL_REPORT = LetterSpec(
    kind="annual_report",
    title_nb="Årsrapport om spesialpedagogisk hjelp",
    title_nn="Årsrapport om spesialpedagogisk hjelp",
    reads="annual_report",
    writers=REPORTER,
    texts=(INTRO,),
    elements=(
        LegalElement("period", f"{BHL} § 32 tredje ledd", "Perioden", "Perioden"),
        LegalElement(
            "help_given", f"{BHL} § 32 tredje ledd", "Hjelpen som er gitt", "Hjelpa som er gitt"
        ),
        LegalElement(
            "development", f"{BHL} § 32 tredje ledd", "Barnets utvikling", "Utviklinga til barnet"
        ),
        LegalElement("recipients", f"{BHL} § 32 tredje ledd", "Mottakere", "Mottakarar"),
    ),
    template="annual_report.html",
    lacks=_annual_lacks,
)


# --- IOP and årleg evaluering (opplæringslova §§ 11-10, 11-11; issue 19) ----------------------


def _school_common(facts) -> list[str]:
    """A school letter needs the letterhead and someone to give it to (the pupil's parents)."""
    return _common(facts)


def _iop_lacks(facts) -> list[str]:
    missing = _school_common(facts)
    iop = facts.iop
    if iop is None:
        return [*missing, _("Saken har ingen ferdig IOP.")]
    if iop.status != "final":
        missing.append(_("IOP-en er ikke ferdig (opplæringslova § 11-10)."))
    for name, what in (
        ("goals", _("mål")),
        ("content", _("innhold")),
        ("organisation", _("gjennomføring")),
    ):
        if not getattr(iop, name).strip():
            missing.append(_("IOP-en mangler %(what)s (opplæringslova § 11-10).") % {"what": what})
    return missing


IOP = LetterSpec(
    kind="iop",
    title_nb="Individuell opplæringsplan",
    title_nn="Individuell opplæringsplan",
    reads="iop",
    writers=SCHOOL,
    texts=(INTRO,),
    elements=(
        LegalElement("goals", f"{OPPL} § 11-10", "Mål for opplæringen", "Mål for opplæringa"),
        LegalElement("content", f"{OPPL} § 11-10", "Innhold i opplæringen", "Innhald i opplæringa"),
        LegalElement(
            "organisation",
            f"{OPPL} § 11-10",
            "Hvordan opplæringen skal gjennomføres",
            "Korleis opplæringa skal gjennomførast",
        ),
        LegalElement(
            "subjects",
            "Udir: IOP-en holder seg innenfor vedtaket",
            "Fag og timer per uke",
            "Fag og timar per veke",
        ),
        LegalElement(
            "decision", f"{OPPL} § 11-6", "Vedtaket planen bygger på", "Vedtaket planen byggjer på"
        ),
    ),
    template="iop.html",
    lacks=_iop_lacks,
)


def _evaluation_lacks(facts) -> list[str]:
    missing = _school_common(facts)
    e = facts.evaluation
    if e is None:
        return [*missing, _("Saken har ingen årleg evaluering som er gjort tilgjengelig.")]
    if e.status != "shared":
        missing.append(_("Evalueringen er ikke gjort tilgjengelig (opplæringslova § 11-11)."))
    if not e.teaching_given.strip():
        missing.append(_("Evalueringen mangler opplæringen eleven har fått."))
    if not e.development.strip():
        missing.append(_("Evalueringen mangler elevens utvikling mot målene i IOP-en."))
    return missing


ANNUAL_EVALUATION = LetterSpec(
    kind="annual_evaluation",
    title_nb="Årleg evaluering av individuelt tilrettelagt opplæring",
    title_nn="Årleg evaluering av individuelt tilrettelagd opplæring",
    reads="evaluation",
    writers=SCHOOL,
    texts=(INTRO,),
    elements=(
        LegalElement("school_year", f"{OPPL} § 11-11", "Skoleåret", "Skoleåret"),
        LegalElement(
            "teaching_given",
            f"{OPPL} § 11-11",
            "Opplæringen eleven har fått",
            "Opplæringa eleven har fått",
        ),
        LegalElement(
            "development",
            f"{OPPL} § 11-11",
            "Elevens utvikling vurdert mot målene i IOP-en",
            "Utviklinga til eleven vurdert mot måla i IOP-en",
        ),
        LegalElement("access", f"{OPPL} § 11-11", "Tilgang", "Tilgang"),
    ),
    template="annual_evaluation.html",
    lacks=_evaluation_lacks,
)


# --- klage (forvaltningsloven §§ 32–33) ----------------------------------------------------------


def _appeal_lacks(facts) -> list[str]:
    missing = _common(facts)
    if facts.appeal is None:
        missing.append(_("Saken har ingen registrert klage."))
    return missing


APPEAL_RECEIVED = LetterSpec(
    kind="appeal_received",
    title_nb="Vi har mottatt klagen",
    title_nn="Vi har motteke klaga",
    reads="appeal",
    writers=OFFICE,
    texts=(INTRO,),
    elements=(
        LegalElement("received", f"{FVL} § 32", "Klagen er mottatt", "Klaga er motteken"),
        LegalElement("review", f"{FVL} § 33", "Videre behandling", "Vidare handsaming"),
        LegalElement("deferral", f"{FVL} § 42", "Utsatt iverksetting", "Utsett iverksetjing"),
        LegalElement(
            "access", f"{FVL} §§ 18 og 19", "Rett til å se dokumentene", "Rett til å sjå dokumenta"
        ),
    ),
    template="appeal_received.html",
    lacks=_appeal_lacks,
)


def _forward_lacks(facts) -> list[str]:
    missing = _appeal_lacks(facts)
    if facts.appeal is not None and facts.appeal.outcome == "reversed":
        missing.append(_("Kommunen har omgjort vedtaket; klagen skal ikke sendes videre."))
    if not facts.text("review"):
        missing.append(_("Kommunens vurdering av klagen mangler (forvaltningsloven § 33)."))
    lh = facts.letterhead
    if lh is not None and not (lh.appeal_body.strip() and lh.appeal_body_address.strip()):
        missing.append(_("Brevhodet mangler klageinstansens navn og adresse."))
    return missing


APPEAL_FORWARDED = LetterSpec(
    kind="appeal_forwarded",
    title_nb="Oversendelse av klage",
    title_nn="Oversending av klage",
    reads="appeal",
    writers=OFFICE,
    texts=(
        INTRO,
        TextPart("review", _lazy("Kommunens vurdering av klagen"), 4000),
    ),
    elements=(
        LegalElement("forwarded", f"{FVL} § 33 fjerde ledd", "Oversendelse", "Oversending"),
        LegalElement(
            "decision", f"{FVL} § 32", "Vedtaket det klages over", "Vedtaket det er klaga på"
        ),
        LegalElement(
            "review", f"{FVL} § 33 andre ledd", "Kommunens vurdering", "Vurderinga til kommunen"
        ),
        LegalElement("copy", f"{FVL} § 27", "Kopi til foreldrene", "Kopi til foreldra"),
    ),
    template="appeal_forwarded.html",
    lacks=_forward_lacks,
)


SPECS = {
    spec.kind: spec
    for spec in (
        PROVISIONAL_REPLY,
        ASSESSMENT,
        DECISION,
        CHANGE_DECISION,
        ANNUAL_REPORT,
        IOP,
        ANNUAL_EVALUATION,
        APPEAL_RECEIVED,
        APPEAL_FORWARDED,
    )
}
